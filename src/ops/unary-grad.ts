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
import { allocArray, type TypedArray } from '../tensor/dtype.js';
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
  // A strided g (the gradient of a padded or sliced output arrives as a view) is read where it lies
  // when it has at most 4 dims (saving a copy and its allocation per step), else from a copy.
  const gc = g.isContiguous() || g.ndim <= 4 ? g : g.contiguous();
  const gd = gc.data;
  const yd = out.data;
  const yo = out.offset;
  const f32 = dtype === 'float32';
  if (gc.isContiguous()) {
    const go = gc.offset;
    if (f32) {
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
  } else {
    stridedTanhGrad(result, gc, yd, yo, f32);
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

/** The loop above for a strided g of at most 4 dims (padded to 4 with leading size-1 dims). */
function stridedTanhGrad(result: TypedArray, g: Tensor, yd: TypedArray, yo: number, f32: boolean): void {
  const lead = 4 - g.ndim;
  const size = (d: number): number => (d < lead ? 1 : g.shape[d - lead]!);
  const stride = (d: number): number => (d < lead ? 0 : g.strides[d - lead]!);
  const [n0, n1, n2, n3] = [size(0), size(1), size(2), size(3)];
  const [s0, s1, s2, s3] = [stride(0), stride(1), stride(2), stride(3)];
  const gd = g.data;
  const fround = Math.fround;
  let k = 0;
  for (let a = 0; a < n0; a++) {
    for (let b = 0; b < n1; b++) {
      for (let c = 0; c < n2; c++) {
        let p = g.offset + a * s0 + b * s1 + c * s2;
        // The dtype test stays out of the innermost loop (it runs once per element otherwise).
        if (f32) {
          for (let d = 0; d < n3; d++, k++, p += s3) {
            const y = yd[yo + k]!;
            result[k] = gd[p]! * fround(1 - fround(y * y));
          }
        } else {
          for (let d = 0; d < n3; d++, k++, p += s3) {
            const y = yd[yo + k]!;
            result[k] = gd[p]! * (1 - y * y);
          }
        }
      }
    }
  }
}
