/**
 * linear's common case, a 2-D input times a 2-D weight plus an optional [out] bias, as one recorded
 * op instead of three (transpose, matmul, broadcast add) and their backward (the add's reduction to
 * the bias, the transpose's view, and the copy the engine then makes of that transposed gradient).
 * At batch size one (the LeCun 1989 workload) these cost more in dispatch and allocation than the
 * products themselves.
 *
 * The values are the chain's, bit for bit: the forward hands the backend's matmul kernel the views
 * the matmul op would, then adds the bias into the fresh output in one loop (each element rounded
 * once, as the add kernel does); the backward runs the chain's products (G W, and A^T G transposed)
 * and its bias reduction, with ops, so it is differentiable for gradients of gradients. For a single
 * row the weight's gradient is computed as G^T A, an outer product whose every element is one
 * rounded multiplication either way, so that it comes out contiguous with no copy.
 * Internal: linear.ts calls it when the operands allow, and runs the chain otherwise.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { View } from '../../backend/backend.js';
import { backend } from '../../backend/registry.js';
import { record } from '../../autograd/record.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { fromData, sumToShape } from '../../ops/util.js';

/** Outputs with at least this many elements get the bias through the backend's add kernel. */
const BIAS_KERNEL_MIN = 4096;

/** Whether fusedLinear can take these operands (features already checked by the caller). */
export function canFuseLinear(x: Tensor, weight: Tensor, bias: Tensor | null): boolean {
  const dtype = x.dtype;
  return (
    x.ndim === 2 &&
    weight.ndim === 2 &&
    (dtype === 'float32' || dtype === 'float64') &&
    weight.dtype === dtype &&
    (bias === null || (bias.ndim === 1 && bias.dtype === dtype))
  );
}

/**
 * `x W^T + b` for x [rows, in], weight [out, in], bias [out] or null, as one op.
 *
 * ```ts
 * fusedLinear(x, weight, bias); // as x.matmul(weight.mT).add(bias)
 * ```
 */
export function fusedLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const dtype = x.dtype;
  const rows = x.shape[0]!;
  const inF = x.shape[1]!;
  const outF = weight.shape[0]!;
  // x W^T through the views the matmul op would build for x and weight.mT.
  let data = backend().matmul(view(x, false), view(weight, true), dtype);
  if (bias !== null && rows * outF >= BIAS_KERNEL_MIN) {
    // Large outputs: the backend's broadcast add (vectorized, threaded) beats a JS loop by ~3x and
    // rounds each element once, like the loop below.
    const shape = [rows, outF];
    const product: View = { data, dtype, shape, strides: [outF, 1], offset: 0 };
    const row: View = { data: bias.data, dtype, shape, strides: [0, bias.strides[0]!], offset: bias.offset };
    data = backend().binary('add', product, row, dtype);
  } else if (bias !== null) {
    const bd = bias.data;
    const bo = bias.offset;
    const bs = bias.strides[0]!;
    let k = 0;
    for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++, k++) data[k] = data[k]! + bd[bo + j * bs]!;
  }
  const out = fromData(data, [rows, outF], dtype);
  return record(
    'linear',
    out,
    [x, weight, bias],
    (g, needs) => {
      // Under createGraph the gradients are ops, so that they can be differentiated again (and a
      // gradient of another dtype, which the engine does not hand out, would promote as ops do).
      if (isGradEnabled() || g.dtype !== dtype) {
        return [
          needs[0] ? g.matmul(weight) : null,
          needs[1] ? (rows === 1 ? g.mT.matmul(x) : x.mT.matmul(g).mT) : null,
          needs[2] && bias !== null ? sumToShape(g, bias.shape) : null,
        ];
      }
      // Otherwise the same products and reduction straight from the kernels, on the views the ops
      // would hand them, skipping the ops' checks and views (most of their cost at this size).
      const be = backend();
      return [
        needs[0] ? fromData(be.matmul(view(g, false), view(weight, false), dtype), [rows, inF], dtype) : null,
        needs[1]
          ? rows === 1
            ? fromData(be.matmul(view(g, true), view(x, false), dtype), [outF, inF], dtype)
            : fromData(be.matmul(view(x, true), view(g, false), dtype), [inF, outF], dtype).mT
          : null,
        needs[2] && bias !== null ? fromData(be.reduce('sum', g, [0], dtype), bias.shape, dtype) : null,
      ];
    },
    [x, weight],
  );
}

/** The [1, rows, cols] view the matmul op builds of a 2-D tensor (or of its transpose). */
function view(t: Tensor, transposed: boolean): View {
  const [r, c] = t.shape as [number, number];
  const [sr, sc] = t.strides as [number, number];
  return transposed
    ? { data: t.data, dtype: t.dtype, shape: [1, c, r], strides: [0, sc, sr], offset: t.offset }
    : { data: t.data, dtype: t.dtype, shape: [1, r, c], strides: [0, sr, sc], offset: t.offset };
}
