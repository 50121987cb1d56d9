/**
 * Which backend runs the kernels. Backends register themselves; the active one is chosen by
 * `setBackend(name)`, else by the TESSERA_BACKEND environment variable, else the fastest available.
 */
import type { Backend } from './backend.js';

const backends = new Map<string, { backend: Backend; priority: number }>();
/** Backends that exist in this build but could not start (the native addon did not load), and why. */
const unavailable = new Map<string, string>();
let active: Backend | null = null;
let warned = false;

let explicit = false;

export function registerBackend(backend: Backend, priority = 0): void {
  backends.set(backend.name, { backend, priority });
  // A newly registered backend may now be the best one, unless the user chose one explicitly.
  if (!explicit) active = null;
}

/** Records that backend `name` could not start, so that asking for it says why. */
export function markUnavailable(name: string, reason: string): void {
  unavailable.set(name, reason);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

export function setBackend(name: string): void {
  const entry = backends.get(name);
  if (!entry) {
    const why = unavailable.get(name);
    if (why !== undefined) throw new Error(`setBackend: backend '${name}' is not available: ${why} (available: ${listBackends().join(', ')})`);
    throw new Error(`setBackend: unknown backend '${name}' (available: ${listBackends().join(', ')})`);
  }
  active = entry.backend;
  explicit = true;
}

/** The backend kernels run on now. */
export function backend(): Backend {
  if (active !== null) return active;
  const requested = typeof process !== 'undefined' ? process.env?.['TESSERA_BACKEND'] : undefined;
  if (requested && backends.has(requested)) {
    active = backends.get(requested)!.backend;
  } else {
    if (requested && !warned) {
      // Once per process: the library still works, on the best backend that did start.
      warned = true;
      const why = unavailable.get(requested) ?? `unknown backend (available: ${listBackends().join(', ')})`;
      console.warn(`tessera: warning: TESSERA_BACKEND=${requested} is not available (${why}); using the best available backend instead`);
    }
    let best: { backend: Backend; priority: number } | null = null;
    for (const entry of backends.values()) if (best === null || entry.priority > best.priority) best = entry;
    if (best === null) throw new Error('tessera: no backend is registered');
    active = best.backend;
  }
  return active;
}
