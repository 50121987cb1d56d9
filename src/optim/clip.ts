/**
 * Gradient utilities (PyTorch's torch.nn.utils): clipping by total norm or by value, and flattening
 * parameters into one vector and back.
 */
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { cat, stack } from '../ops/shape.js';

/** One tensor or an iterable of them, as the utilities accept (a model's parameters, say). */
export type TensorList = Tensor | Iterable<Tensor>;

function toList(op: string, params: TensorList): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (params === null || typeof params !== 'object' || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw new Error(`${op}: parameters must be a Tensor or an iterable of tensors, got ${params === null ? 'null' : typeof params}`);
  }
  const list = [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${op}: parameter ${i} is not a Tensor (got ${p === null ? 'null' : typeof p})`);
  });
  return list;
}

export interface ClipGradNormOptions {
  /** The order of the norm: a number >= 0, Infinity, or 'inf' (default 2). */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite, instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (the norm of the vector of
 * all gradients) is at most `maxNorm`, and returns that total norm, taken before clipping, as a 0-d
 * tensor. The scale is `min(1, maxNorm / (total + 1e-6))`, as in PyTorch. Parameters without a
 * gradient are skipped; with none at all the result is 0.
 *
 * ```ts
 * loss.backward();
 * const norm = optim.clipGradNorm(model.parameters(), 1.0).item();
 * opt.step();
 * ```
 */
export function clipGradNorm(parameters: TensorList, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm';
  const { normType = 2, errorIfNonfinite = false } = options;
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) throw new Error(`${op}: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0) throw new Error(`${op}: normType must be a number >= 0, Infinity or 'inf', got ${String(normType)}`);
  if (typeof errorIfNonfinite !== 'boolean') throw new Error(`${op}: errorIfNonfinite must be true or false, got ${String(errorIfNonfinite)}`);
  const grads = toList(op, parameters)
    .map((t) => t.grad)
    .filter((g): g is Tensor => g !== null);
  return noGrad(() => {
    if (grads.length === 0) return tensor(0);
    const dtype = grads[0]!.dtype;
    // The norm of the per-tensor norms is the norm of all elements together (for p = Infinity too).
    const norms = grads.map((g) => g.norm(p).to(dtype));
    const total = norms.length === 1 ? norms[0]! : p === Infinity ? stack(norms).amax() : stack(norms).norm(p);
    const value = total.item();
    if (errorIfNonfinite && !Number.isFinite(value)) {
      throw new Error(
        `${op}: the total norm of order ${p} of the gradients is ${value}, so they cannot be clipped; ` +
          'pass errorIfNonfinite: false to scale them by it anyway',
      );
    }
    const coef = maxNorm / (value + 1e-6);
    // Scaling by 1 is skipped: it would change nothing but the storage versions. NaN scales (NaN total) pass.
    if (!(coef >= 1)) for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` to [-clipValue, clipValue] in place.
 *
 * ```ts
 * optim.clipGradValue(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue(parameters: TensorList, clipValue: number): void {
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue) || clipValue < 0) throw new Error(`${op}: clipValue must be a number >= 0, got ${String(clipValue)}`);
  const list = toList(op, parameters);
  noGrad(() => {
    for (const t of list) if (t.grad !== null) t.grad.copy_(t.grad.clamp(-clipValue, clipValue));
  });
}

/**
 * The parameters flattened and joined into one 1-D tensor (a copy), in order.
 *
 * ```ts
 * const flat = optim.parametersToVector(model.parameters()); // [numel of all parameters]
 * ```
 */
export function parametersToVector(parameters: TensorList): Tensor {
  const list = toList('parametersToVector', parameters);
  if (list.length === 0) throw new Error('parametersToVector: got no parameters');
  return cat(list.map((t) => t.reshape([-1])));
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in order (the inverse of
 * parametersToVector). The copy is not recorded by autograd. Unlike PyTorch, whose parameters
 * become views of `vec`, the parameters keep their own storage.
 *
 * ```ts
 * optim.vectorToParameters(flat, model.parameters());
 * ```
 */
export function vectorToParameters(vec: Tensor, parameters: TensorList): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new Error(`${op}: vec must be a Tensor, got ${vec === null ? 'null' : typeof vec}`);
  if (vec.ndim !== 1) throw new Error(`${op}: vec must be 1-D, got shape ${formatShape(vec.shape)}`);
  const list = toList(op, parameters);
  const total = list.reduce((n, t) => n + t.numel, 0);
  if (total !== vec.shape[0]) throw new Error(`${op}: vec has ${vec.shape[0]} elements, the parameters have ${total}`);
  noGrad(() => {
    let offset = 0;
    for (const t of list) {
      t.copy_(vec.narrow(0, offset, t.numel).reshape(t.shape));
      offset += t.numel;
    }
  });
}
