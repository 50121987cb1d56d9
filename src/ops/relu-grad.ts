/**
 * relu's gradient, g * (out > 0), as one op and one pass over the data instead of the chain of three
 * (compare to a bool mask, cast it to g's dtype, multiply), each a full pass and a full-size
 * temporary. In a CNN's training step relu's backward runs on the largest activations there are
 * (conv2's output), so the chain's extra passes showed in the per-op profile.
 *
 * The values are the chain's bit for bit (the kernel multiplies by the 0/1 mask). The op is
 * differentiable like the chain: linear in g (its gradient is this op again) and constant in out
 * (the mask has no gradient), so double backward through relu is unchanged.
 */
import type { Tensor } from '../tensor/tensor.js';
import { shapesEqual } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { record } from '../autograd/record.js';
import { fromData } from './util.js';

/**
 * `g * (out > 0)`: the gradient of relu at the input whose relu is `out`, given the output's
 * gradient `g`. Internal (ops/unary.ts's relu rule). Operands of other dtypes or shapes run the chain.
 *
 * ```ts
 * reluGrad(tensor([1, 2, 3]), tensor([0, 0.5, 2])); // [0, 2, 3]
 * ```
 */
export function reluGrad(g: Tensor, out: Tensor): Tensor {
  const dtype = out.dtype;
  if (g.dtype !== dtype || (dtype !== 'float32' && dtype !== 'float64') || !shapesEqual(g.shape, out.shape)) {
    return g.mul(out.gt(0).to(g.dtype));
  }
  const grad = fromData(backend().reluBackward(g, out), out.shape, dtype);
  return record('reluBackward', grad, [g], (gg) => [reluGrad(gg, out)], [out]);
}
