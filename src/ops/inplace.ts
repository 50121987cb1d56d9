/**
 * In-place ops. Each computes the out-of-place result, writes it into the tensor's storage and bumps
 * the storage's version, so that a backward that saved the old values fails loudly instead of using
 * the new ones. Under autograd the tensor takes the result's place in the graph (see `inPlace`).
 * A leaf that requires grad can be updated only under `noGrad` (optimizer steps).
 */
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import { zerosLike } from '../tensor/creation.js';
import { isFloating } from '../tensor/dtype.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { broadcastView, describe, fromData, scalarTensor, sumToShape, type TensorLike } from './util.js';
import { add, div, mul, sub } from './binary.js';
import { inPlace } from './support.js';

/** Whether the backward of `self op other` reads self: only when `other` wants a gradient. */
const otherNeedsGrad = (other: TensorLike): boolean => other instanceof Tensor && other.requiresGrad;

/** `self += alpha * other`, broadcasting `other` to self's shape. */
export const add_ = (self: Tensor, other: TensorLike, alpha?: number): Tensor =>
  inPlace('add_', checkOperands('add_', self, other), (src) => add(src, other, alpha));
/** `self -= alpha * other`. */
export const sub_ = (self: Tensor, other: TensorLike, alpha?: number): Tensor =>
  inPlace('sub_', checkOperands('sub_', self, other), (src) => sub(src, other, alpha));
/** `self *= other`. */
export const mul_ = (self: Tensor, other: TensorLike): Tensor =>
  inPlace('mul_', checkOperands('mul_', self, other), (src) => mul(src, other), otherNeedsGrad(other));
/** `self /= other` (true division: an integer tensor cannot hold the result). */
export const div_ = (self: Tensor, other: TensorLike): Tensor =>
  inPlace('div_', checkOperands('div_', self, other), (src) => div(src, other), otherNeedsGrad(other));

/** Errors that name the in-place op rather than the out-of-place one it runs. */
function checkOperands(op: string, self: Tensor, other: TensorLike): Tensor {
  if (!(self instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(self)}`);
  if (other instanceof Tensor) {
    const shape = broadcastShapes(op, self.shape, other.shape);
    if (!shapesEqual(shape, self.shape)) {
      throw new Error(`${op}: other of shape [${other.shape.join(',')}] cannot be broadcast to the tensor's shape [${self.shape.join(',')}]`);
    }
  } else if (typeof other !== 'number' && typeof other !== 'boolean') {
    throw new Error(`${op}: other must be a Tensor or a number, got ${describe(other)}`);
  }
  return self;
}

/**
 * Sets every element to `value` (cast to the tensor's dtype). On a non-leaf the tensor stays in the
 * graph with a zero gradient to what it was computed from.
 *
 * ```ts
 * zeros([2, 2]).fill_(7); // [[7, 7], [7, 7]]
 * ```
 */
export function fill_(self: Tensor, value: number | boolean): Tensor {
  if (!(self instanceof Tensor)) throw new Error(`fill_: input must be a Tensor, got ${describe(self)}`);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`fill_: value must be a number or a boolean, got ${describe(value)}`);
  return inPlace('fill_', self, () => constant(scalarTensor(value, self.dtype), self));
}

/**
 * Copies `src` (broadcast to this shape, cast to this dtype) into the tensor. Gradients flow to `src`;
 * the tensor's previous history gets zero.
 *
 * ```ts
 * const buf = zeros([2, 3]);
 * buf.copy_(tensor([1, 2, 3])); // every row is [1, 2, 3]
 * ```
 */
export function copy_(self: Tensor, src: TensorLike): Tensor {
  if (!(self instanceof Tensor)) throw new Error(`copy_: input must be a Tensor, got ${describe(self)}`);
  if (typeof src === 'number' || typeof src === 'boolean') return fill_(self, src);
  if (!(src instanceof Tensor)) throw new Error(`copy_: source must be a Tensor or a number, got ${describe(src)}`);
  const shape = broadcastShapes('copy_', src.shape, self.shape);
  if (!shapesEqual(shape, self.shape)) {
    throw new Error(`copy_: source of shape [${src.shape.join(',')}] cannot be broadcast to the tensor's shape [${self.shape.join(',')}]`);
  }
  return inPlace('copy_', self, (dst) => {
    const out = fromData(backend().copy(broadcastView(src, self.shape), self.dtype), self.shape, self.dtype);
    if (!isFloating(self.dtype)) return out;
    const srcDtype = src.dtype;
    return record('copy_', out, [dst, src], (g, needs) => [
      needs[0] ? zerosLike(g) : null,
      needs[1] ? sumToShape(g, src.shape).to(srcDtype) : null,
    ]);
  });
}

/** `value` (0-d) materialized in the shape of `like`: a result that does not depend on the graph. */
function constant(value: Tensor, like: Tensor): Tensor {
  return fromData(backend().copy(broadcastView(value, like.shape), like.dtype), like.shape, like.dtype);
}
