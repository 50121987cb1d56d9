/**
 * tanh's gradient, g * (1 - out^2), as one op instead of a chain of four (square, neg, add, mul).
 * At small sizes (a batch of one through a small network) each op in the chain costs more in
 * dispatch and allocation than in arithmetic, and tanh's backward runs once per tanh layer per step.
 *
 * The values are those of the chain, bit for bit: on floating operands of one dtype and shape the
 * loop rounds after every step as the chain's float32 stores do (`Math.fround`; float64 needs
 * nothing); other dtypes or shapes run the chain itself. The op is differentiable like the chain, so
 * double backward through tanh is unchanged.
 */
import type { Tensor } from '../tensor/tensor.js';
import { allocArray } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { fromData } from './util.js';

/**
 * `g * (1 - out^2)`: the gradient of tanh at the input whose tanh is `out`, given the output's
 * gradient `g`. Internal (ops/unary.ts's tanh rule).
 *
 * ```ts
 * tanhGrad(ones([3]), tensor([0, 0.5, 1])); // [1, 0.75, 0]
 * ```
 */
export function tanhGrad(g: Tensor, out: Tensor): Tensor {
  const dtype = out.dtype;
  const fusable = g.dtype === dtype && (dtype === 'float32' || dtype === 'float64') && shapesEqual(g.shape, out.shape) && out.isContiguous();
  if (!fusable) return g.mul(out.square().neg().add(1));
  const n = out.numel;
  const result = allocArray(dtype, n);
  // A strided g (the gradient of a padded or sliced output arrives as a view) is read from a copy.
  const gc = g.isContiguous() ? g : g.contiguous();
  const gd = gc.data;
  const yd = out.data;
  const go = gc.offset;
  const yo = out.offset;
  if (dtype === 'float32') {
    const fround = Math.fround;
    for (let i = 0; i < n; i++) {
      const y = yd[yo + i]!;
      result[i] = gd[go + i]! * fround(1 - fround(y * y));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const y = yd[yo + i]!;
      result[i] = gd[go + i]! * (1 - y * y);
    }
  }
  const grad = fromData(result, out.shape, dtype);
  // The chain's own gradients: d/dg = 1 - out^2, d/dout = -2 g out (in the chain's order of ops).
  return record(
    'tanhBackward',
    grad,
    [g, out],
    (gg, needs) => [needs[0] ? tanhGrad(gg, out) : null, needs[1] ? gg.mul(g).neg().mul(out).mul(2) : null],
    [g, out],
  );
}
