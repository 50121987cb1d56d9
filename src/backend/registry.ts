/**
 * Which backend runs the kernels. Backends register themselves; the active one is chosen by
 * `setBackend(name)`, else by the TESSERA_BACKEND environment variable, else the fastest available.
 */
import type { Backend } from './backend.js';

const backends = new Map<string, { backend: Backend; priority: number }>();
let active: Backend | null = null;

export function registerBackend(backend: Backend, priority = 0): void {
  backends.set(backend.name, { backend, priority });
  active = null;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

export function setBackend(name: string): void {
  const entry = backends.get(name);
  if (!entry) throw new Error(`setBackend: unknown backend '${name}' (available: ${listBackends().join(', ')})`);
  active = entry.backend;
}

/** The backend kernels run on now. */
export function backend(): Backend {
  if (active !== null) return active;
  const requested = typeof process !== 'undefined' ? process.env?.['TESSERA_BACKEND'] : undefined;
  if (requested && backends.has(requested)) {
    active = backends.get(requested)!.backend;
  } else {
    let best: { backend: Backend; priority: number } | null = null;
    for (const entry of backends.values()) if (best === null || entry.priority > best.priority) best = entry;
    if (best === null) throw new Error('tessera: no backend is registered');
    active = best.backend;
  }
  return active;
}
