/**
 * Optional early release of memory. Tensors are garbage-collected, so nothing here is needed for
 * correctness; `tidy` frees the temporaries of a block as soon as it ends, which matters for storage
 * that lives outside the JS heap (the native backend).
 *
 * Scopes track storages, not tensors: a view made inside a block over a tensor made outside it
 * shares the outer storage, which the block does not own and must not free.
 */
import type { Tensor } from './tensor.js';
import type { Storage } from './storage.js';

const scopes: Storage[][] = [];
const kept = new WeakSet<Storage>();

/** Internal: called by the Storage constructor. */
export function trackStorage(s: Storage): void {
  if (scopes.length > 0) scopes[scopes.length - 1]!.push(s);
}

/**
 * Exempts a tensor's storage from disposal by every enclosing `tidy`, now and later. Returns the
 * tensor. Use it for state that a block creates and keeps on an object (optimizer moments, caches).
 */
export function keep<T extends Tensor>(t: T): T {
  // Outside every tidy nothing can dispose the storage: only an active block holds it in its list.
  if (scopes.length > 0) kept.add(t.storage);
  return t;
}

/**
 * Runs `fn` and disposes the storage of every tensor created inside it, except what its result
 * needs: tensors in the result (alone, or in arrays, Maps and plain objects) and their views, the
 * tensors their autograd graph saved for backward, tensors passed to `keep`, and gradients written
 * to `.grad`. Tensors created inside and stored elsewhere must be passed to `keep`. Nested blocks
 * hand their survivors to the enclosing one. `fn` must be synchronous.
 *
 * ```ts
 * const loss = tidy(() => model.forward(x).sub(y).square().mean());
 * loss.backward(); // the activations the graph saved were kept
 * ```
 */
export function tidy<T>(fn: () => T): T {
  scopes.push([]);
  let result: T;
  let created: Storage[];
  try {
    result = fn();
  } finally {
    created = scopes.pop()!;
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    throw new Error('tidy: the function returned a Promise; tidy tracks synchronous code only (await outside it, or tidy each synchronous part)');
  }
  const survivors = new Set<Storage>();
  collect(result, survivors);
  const outer = scopes.length > 0 ? scopes[scopes.length - 1]! : null;
  for (const s of created) {
    if (survivors.has(s) || kept.has(s)) outer?.push(s);
    else s.dispose();
  }
  return result;
}

function isTensor(value: object): value is Tensor {
  return 'storage' in value && 'shape' in value && 'strides' in value && 'gradFn' in value;
}

/** The storages reachable from `value`, including those the autograd graph of its tensors saved. */
function collect(root: unknown, into: Set<Storage>): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (isTensor(value)) {
      into.add(value.storage);
      if (value.grad !== null) stack.push(value.grad);
      if (value.gradFn !== null) stack.push(value.gradFn);
    } else if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else if (value instanceof Map) {
      for (const v of value.values()) stack.push(v);
    } else if ('next' in value && 'saved' in value) {
      // A graph node: what its backward will read, and the nodes it leads to.
      const node = value as { next: readonly unknown[]; saved: readonly Tensor[] | null; retained: Tensor | null };
      if (node.saved !== null) for (const t of node.saved) stack.push(t);
      if (node.retained !== null) stack.push(node.retained);
      for (const n of node.next) stack.push(n);
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      for (const v of Object.values(value)) stack.push(v);
    }
  }
}
