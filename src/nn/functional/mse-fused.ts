/**
 * mseLoss's 'mean' and 'sum' reductions as one recorded op instead of a chain of four (sub, square,
 * sum, div) whose backward runs four more (div, expand, two muls). At batch size one through a small
 * network (the LeCun 1989 workload: a [1, 10] output) each op of that chain costs far more in
 * dispatch, allocation and graph bookkeeping than in arithmetic, and the loss runs once per step.
 *
 * The values are the chain's, bit for bit: the differences and squares are stored into arrays of the
 * operands' dtype after each step (as the chain's kernels store them), the sum runs through the same
 * backend reduce kernel over the same shape, and the backward repeats the chain's roundings:
 * g' = g / n (mean only), then (g' * d) * 2 per element. Under createGraph the backward is written
 * with ops over a recorded difference node, so gradients of gradients are those of the chain.
 * Internal: losses-regression.ts's mseLoss calls it when the operands allow (same floating dtype,
 * contiguous), and runs the chain otherwise.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { allocArray, type TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { backend } from '../../backend/registry.js';
import { record } from '../../autograd/record.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { fromData } from '../../ops/util.js';

/** Whether fusedMse can take these operands (shapes already checked equal by the caller). */
export function canFuseMse(input: Tensor, target: Tensor): boolean {
  const dtype = input.dtype;
  return (dtype === 'float32' || dtype === 'float64') && target.dtype === dtype && input.isContiguous() && target.isContiguous();
}

/**
 * The mean (or sum) of (input - target)^2 as one op; operands as canFuseMse accepts.
 *
 * ```ts
 * fusedMse(tensor([1, 2]), tensor([1, 4]), 'mean'); // 2, as input.sub(target).square().mean()
 * ```
 */
export function fusedMse(input: Tensor, target: Tensor, reduction: 'mean' | 'sum'): Tensor {
  const dtype = input.dtype;
  const shape = input.shape;
  const n = input.numel;
  const diff = allocArray(dtype, n);
  // From the backend's allocator, as the chain's square kernel's output is: a native sum may take a
  // different path over differently aligned memory.
  const squares = backend().alloc(dtype, n);
  const xd = input.data;
  const yd = target.data;
  const xo = input.offset;
  const yo = target.offset;
  for (let i = 0; i < n; i++) {
    // Stores round to the dtype, so squaring the stored difference rounds as the chain does.
    diff[i] = xd[xo + i]! - yd[yo + i]!;
    squares[i] = diff[i]! * diff[i]!;
  }
  const dims = shape.map((_, i) => i);
  const sum = backend().reduce('sum', { data: squares, dtype, shape, strides: contiguousStrides(shape), offset: 0 }, dims, dtype);
  // The chain divides by the count as a scalar of the dtype (rounded to float32 for float32).
  const count = dtype === 'float32' ? Math.fround(n) : n;
  const value = allocArray(dtype, 1);
  value[0] = reduction === 'mean' ? sum[0]! / count : sum[0]!;
  const out = fromData(value, [], dtype);
  return record('mseLoss', out, [input, target], (g, needs) => {
    if (isGradEnabled()) return differentiableGrads(g, input, target, diff, reduction, needs);
    const scale = reduction === 'mean' ? g.data[g.offset]! / count : g.data[g.offset]!;
    const gs = dtype === 'float32' ? Math.fround(scale) : scale;
    const gradInput = allocArray(dtype, n);
    for (let i = 0; i < n; i++) {
      // (g' * d) rounded, then * 2 (exact): the chain's two muls.
      gradInput[i] = gs * diff[i]!;
      gradInput[i] = gradInput[i]! * 2;
    }
    const gx = fromData(gradInput, shape, dtype);
    return [gx, needs[1] ? gx.neg() : null];
  });
}

/**
 * The chain's backward with ops, for createGraph: the difference becomes a recorded node over the
 * operands (from the values saved at forward time), so second derivatives reach input and target.
 */
function differentiableGrads(
  g: Tensor,
  input: Tensor,
  target: Tensor,
  diff: TypedArray,
  reduction: 'mean' | 'sum',
  needs: readonly boolean[],
): (Tensor | null)[] {
  const d = record('sub', fromData(diff.slice(), input.shape, input.dtype), [input, target], (gg, needsD) => [gg, needsD[1] ? gg.neg() : null]);
  const gs = reduction === 'mean' ? g.div(input.numel) : g;
  const gx = gs.reshape(input.shape.map(() => 1)).expand(input.shape).mul(d).mul(2);
  return [gx, needs[1] ? gx.neg() : null];
}
