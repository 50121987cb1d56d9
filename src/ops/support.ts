/**
 * Building blocks the op files share: running a kernel on broadcast operands, re-inserting reduced
 * dims, embedding a view's gradient. Internal: not part of the public op list.
 */
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { canCast, resultType } from '../tensor/dtype.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { broadcastShapes, formatShape, numelOf, shapesEqual } from '../tensor/shape.js';
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { zerosLike } from '../tensor/creation.js';
import { broadcastView, describe, fromData, scalarTensor, type TensorLike } from './util.js';

/** Turns both operands into tensors of their promoted dtype's category (scalars become 0-d). */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  const ta = a instanceof Tensor;
  const tb = b instanceof Tensor;
  if (!ta && typeof a !== 'number' && typeof a !== 'boolean') throw new Error(`${op}: first operand must be a Tensor or a number, got ${describe(a)}`);
  if (!tb && typeof b !== 'number' && typeof b !== 'boolean') throw new Error(`${op}: second operand must be a Tensor or a number, got ${describe(b)}`);
  if (ta && tb && a.dtype === b.dtype) return [a, b, a.dtype];
  const dtype = resultType(a as Tensor, b as Tensor);
  return [ta ? (a as Tensor) : scalarTensor(a as number, dtype), tb ? (b as Tensor) : scalarTensor(b as number, dtype), dtype];
}

/** Runs a binary kernel after broadcasting; no autograd. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType, name: string = op): Tensor {
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(name, a.shape, b.shape);
  return fromData(backend().binary(op, broadcastView(a, shape), broadcastView(b, shape), outDtype), shape, outDtype);
}

/** Runs a unary kernel; no autograd. */
export function unaryKernel(op: UnaryOp, x: Tensor, outDtype: DType, param = 0): Tensor {
  return fromData(backend().unary(op, x, outDtype, param), x.shape, outDtype);
}

/** Runs a reduce kernel; returns the result with or without the reduced dims. */
export function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean, outDtype: DType): Tensor {
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const out = fromData(backend().reduce(op, x, dims, outDtype), keptShape, outDtype);
  return keepdim ? out : out.reshape(x.shape.filter((_, i) => !dims.includes(i)));
}

/** Re-inserts reduced dims as size 1, so a reduced result broadcasts against the input. */
export function keepDims(t: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return t;
  return t.reshape(inputShape.map((s, i) => (dims.includes(i) ? 1 : s)));
}

/** Resolves one -1 entry and checks the element count. */
export function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1) {
      if (infer >= 0) throw new Error(`${op}: only one dimension can be -1, got ${formatShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid size ${d} in shape ${formatShape(shape)}`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || x.numel % known !== 0) {
      throw new Error(`${op}: shape ${formatShape(shape)} is invalid for input of shape ${formatShape(x.shape)} (${x.numel} elements)`);
    }
    out[infer] = x.numel / known;
  }
  if (numelOf(out) !== x.numel) {
    throw new Error(`${op}: shape ${formatShape(shape)} is invalid for input of shape ${formatShape(x.shape)} (${x.numel} elements)`);
  }
  return out;
}

/**
 * The gradient of a selecting view: zeros of the input's shape with `g` written where the view
 * looked. Differentiable too: its own backward takes the same view of the incoming gradient.
 */
export function embedGrad(g: Tensor, inShape: readonly number[], applyView: (t: Tensor) => Tensor): Tensor {
  const out = fromData(backend().alloc(g.dtype, numelOf(inShape)), inShape, g.dtype);
  backend().assign(applyView(out.detach()), g);
  return record('embed', out, [g], (gg) => [applyView(gg)]);
}

/**
 * Writes the out-of-place result `compute(src)` into `self`; `name` is used in errors. Under autograd
 * the tensor takes the result's place in the graph; when the new values do not depend on the graph
 * (fill_, copy_ of a constant) it stays in it with a zero gradient to its history, as in PyTorch.
 * `readsSelf`: the result's backward reads the old values of `self` (mul_ by a tensor that requires
 * grad), so they are computed from a copy, `src`, which the write does not touch.
 */
export function inPlace(name: string, self: Tensor, compute: (src: Tensor) => Tensor, readsSelf = false): Tensor {
  const grad = isGradEnabled();
  if (grad && self.requiresGrad && self.isLeaf) {
    throw new Error(`${name}: a leaf tensor that requires grad cannot be modified in place; wrap the update in noGrad() or clone() it first`);
  }
  let result = compute(grad && readsSelf ? self.clone() : self);
  if (!shapesEqual(result.shape, self.shape)) {
    throw new Error(`${name}: the result has shape ${formatShape(result.shape)}, which does not fit the tensor's shape ${formatShape(self.shape)}`);
  }
  if (!canCast(result.dtype, self.dtype)) {
    throw new Error(`${name}: a ${result.dtype} result cannot be written into a ${self.dtype} tensor in place`);
  }
  const recording = grad && result.requiresGrad;
  if ((recording || (grad && self.requiresGrad)) && self.base !== null) {
    throw new Error(`${name}: in-place modification of a view is not differentiable here (shape ${formatShape(self.shape)}); clone() the view first`);
  }
  if (recording && result.dtype !== self.dtype) result = result.to(self.dtype);
  backend().assign(self, result);
  if (recording) {
    // A leaf result (copy_ of a leaf) gets an identity node, so that gradients reach the leaf.
    if (result.gradFn !== null) self.setGradFn(result.gradFn);
    else record(name, self, [result], (g) => [g]);
  } else if (grad && self.requiresGrad) {
    record(name, self, [self], (g) => [zerosLike(g)]);
  }
  self.storage.version++;
  return self;
}

