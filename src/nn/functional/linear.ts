/**
 * The functional forms of Linear and Bilinear, composed from matmul and broadcasting (so every
 * backend runs them and gradients of any order come for free).
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkFloating, checkTensor } from '../../ops/util.js';
import { canFuseLinear, fusedLinear } from './linear-fused.js';

/**
 * `x W^T + b`: x [..., in], weight [out, in], bias [out] or null. A 1-D weight [in] gives [...].
 *
 * ```ts
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])); // [[1, 2, 4]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('linear', x);
  checkTensor('linear', weight);
  checkFloating('linear', x);
  if (weight.ndim !== 1 && weight.ndim !== 2) throw new Error(`linear: weight must be 1-D or 2-D, got shape ${formatShape(weight.shape)}`);
  const inFeatures = weight.shape[weight.ndim - 1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(`linear: input ${formatShape(x.shape)} does not end in ${inFeatures} features (weight ${formatShape(weight.shape)})`);
  }
  const b = bias ?? null;
  if (b !== null) {
    checkTensor('linear', b);
    const outShape = weight.ndim === 2 ? [weight.shape[0]!] : [];
    if (b.ndim > 1 || (b.ndim === 1 && b.shape[0] !== (outShape[0] ?? 1))) {
      throw new Error(`linear: bias ${formatShape(b.shape)} does not match weight ${formatShape(weight.shape)} (expected ${formatShape(outShape)})`);
    }
  }
  // [..., in] inputs run as one [rows, in] x [in, out] product (bias added to it too): a broadcast
  // batched matmul would multiply per leading index and reduce the gradients over them.
  const flat = x.ndim > 2 && weight.ndim === 2;
  const x2 = flat ? x.reshape(-1, inFeatures) : x;
  let out: Tensor;
  // One op instead of transpose, matmul and add (same values bit for bit): see linear-fused.ts.
  if (canFuseLinear(x2, weight, b)) out = fusedLinear(x2, weight, b);
  else {
    out = x2.matmul(weight.ndim === 2 ? weight.mT : weight);
    if (b !== null) out = out.add(b);
  }
  return flat ? out.reshape([...x.shape.slice(0, -1), weight.shape[0]!]) : out;
}

/**
 * `y_k = x1^T A_k x2 + b_k`: x1 [..., in1], x2 [..., in2], weight [out, in1, in2], bias [out] or null.
 *
 * ```ts
 * bilinear(x1, x2, weight, bias); // [..., out]
 * ```
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  for (const t of [x1, x2, weight]) checkTensor('bilinear', t);
  checkFloating('bilinear', x1);
  if (weight.ndim !== 3) throw new Error(`bilinear: weight must be 3-D [out, in1, in2], got shape ${formatShape(weight.shape)}`);
  const [outF, in1, in2] = weight.shape as [number, number, number];
  if (x1.ndim === 0 || x1.shape[x1.ndim - 1] !== in1) throw new Error(`bilinear: input1 ${formatShape(x1.shape)} does not end in ${in1} features (weight ${formatShape(weight.shape)})`);
  if (x2.ndim === 0 || x2.shape[x2.ndim - 1] !== in2) throw new Error(`bilinear: input2 ${formatShape(x2.shape)} does not end in ${in2} features (weight ${formatShape(weight.shape)})`);
  if (x1.ndim !== x2.ndim || x1.shape.slice(0, -1).some((d, i) => d !== x2.shape[i])) {
    throw new Error(`bilinear: input1 ${formatShape(x1.shape)} and input2 ${formatShape(x2.shape)} must have the same leading dims`);
  }
  const lead = x1.shape.slice(0, -1);
  // x1 [n, in1] @ W viewed as [in1, out*in2] -> [n, out, in2], then contract in2 with x2.
  const a = x1.reshape(-1, in1).matmul(weight.permute(1, 0, 2).reshape(in1, outF * in2)).reshape(-1, outF, in2);
  let out = a.mul(x2.reshape(-1, 1, in2)).sum(-1).reshape([...lead, outF]);
  if (bias !== null && bias !== undefined) {
    checkTensor('bilinear', bias);
    if (bias.ndim !== 1 || bias.shape[0] !== outF) throw new Error(`bilinear: bias ${formatShape(bias.shape)} must be [${outF}]`);
    out = out.add(bias);
  }
  return out;
}
