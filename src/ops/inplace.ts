/**
 * In-place ops. Each computes the out-of-place result, writes it into the tensor's storage and bumps
 * the storage's version, so that a backward that saved the old values fails loudly instead of using
 * the new ones. Under autograd the tensor takes the result's place in the graph.
 */
import type { Tensor } from '../tensor/tensor.js';
import { shapesEqual } from '../tensor/shape.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { backend } from '../backend/registry.js';
import { broadcastView, scalarTensor, type TensorLike } from './util.js';
import { add, div, mul, sub } from './binary.js';
import { inPlace } from './support.js';

export const add_ = (self: Tensor, other: TensorLike, alpha?: number): Tensor => inPlace('add_', self, () => add(self, other, alpha));
export const sub_ = (self: Tensor, other: TensorLike, alpha?: number): Tensor => inPlace('sub_', self, () => sub(self, other, alpha));
export const mul_ = (self: Tensor, other: TensorLike): Tensor => inPlace('mul_', self, () => mul(self, other));
export const div_ = (self: Tensor, other: TensorLike): Tensor => inPlace('div_', self, () => div(self, other));

/** Sets every element to `value`. */
export function fill_(self: Tensor, value: number | boolean): Tensor {
  if (isGradEnabled() && self.requiresGrad && self.isLeaf) {
    throw new Error('fill_: a leaf tensor that requires grad cannot be modified in place; wrap the update in noGrad()');
  }
  backend().assign(self, broadcastView(scalarTensor(value, self.dtype), self.shape));
  self.storage.version++;
  if (isGradEnabled() && self.requiresGrad) self.detach_();
  return self;
}

/** Copies `src` (broadcast to this shape, cast to this dtype) into the tensor. */
export function copy_(self: Tensor, src: TensorLike): Tensor {
  return inPlace('copy_', self, () => {
    if (typeof src === 'number' || typeof src === 'boolean') return broadcastScalar(src, self);
    const s = src.dtype === self.dtype ? src : src.to(self.dtype);
    return shapesEqual(s.shape, self.shape) ? s : s.expand(self.shape);
  });
}

function broadcastScalar(v: number | boolean, like: Tensor): Tensor {
  return scalarTensor(v, like.dtype).expand(like.shape);
}
