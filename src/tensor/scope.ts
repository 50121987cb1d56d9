/**
 * Optional early release of memory. Tensors are garbage-collected, so nothing here is needed for
 * correctness; `tidy` frees the temporaries of a block as soon as it ends, which matters for storage
 * that lives outside the JS heap (the native backend).
 */
import type { Tensor } from './tensor.js';
import type { Storage } from './storage.js';

const scopes: Tensor[][] = [];
const kept = new WeakSet<Storage>();

/** Internal: called by the Tensor constructor. */
export function trackTensor(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1]!.push(t);
}

/** Exempts a tensor's storage from disposal by every enclosing `tidy`. Returns the tensor. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t.storage);
  return t;
}

/**
 * Runs `fn` and disposes every tensor created inside it, except those reachable from its result
 * (tensors, arrays and plain objects of them), those passed to `keep`, and gradients accumulated into
 * `.grad`. Do not keep using a tensor created inside the block after it ends unless it is returned.
 *
 * ```ts
 * const loss = tidy(() => model.forward(x).sub(y).square().mean());
 * ```
 */
export function tidy<T>(fn: () => T): T {
  scopes.push([]);
  let result: T;
  let created: Tensor[];
  try {
    result = fn();
  } finally {
    created = scopes.pop()!;
  }
  const survivors = new Set<Storage>();
  collect(result, survivors, new Set());
  const outer = scopes.length > 0 ? scopes[scopes.length - 1]! : null;
  for (const t of created) {
    if (survivors.has(t.storage) || kept.has(t.storage)) {
      outer?.push(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

function collect(value: unknown, into: Set<Storage>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ('storage' in value && 'shape' in value && 'strides' in value) {
    into.add((value as Tensor).storage);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into, seen);
}
