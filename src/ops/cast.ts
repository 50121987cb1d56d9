import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isDType, isFloating } from '../tensor/dtype.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { checkTensor, fromData } from './util.js';

/**
 * A copy converted to `dtype` (the tensor itself when it already has it). Float to int32 truncates
 * toward zero, saturating out of range, with NaN becoming 0 (PyTorch leaves those undefined); anything
 * to bool is `x != 0` (NaN is true); int32 to float32 rounds to nearest above 2^24. Gradients flow
 * between floating dtypes only, and come back in the input's dtype.
 *
 * ```ts
 * tensor([2.7, -2.7]).to('int32'); // [2, -2]
 * ```
 */
export function to(x: Tensor, dtype: DType): Tensor {
  checkTensor('to', x);
  if (!isDType(dtype)) throw new Error(`to: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  if (x.dtype === dtype) return x;
  const out = fromData(backend().copy(x, dtype), x.shape, dtype);
  if (!isFloating(dtype) || !isFloating(x.dtype)) return nonDifferentiable('to', out);
  const from = x.dtype;
  return record('to', out, [x], (g) => [g.to(from)]);
}
