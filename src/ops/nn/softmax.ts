/**
 * Softmax and log-softmax along one dim: a fused, numerically stable kernel forward; the backward
 * computed from the saved output (softmax's by one fused op), differentiable again.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { FloatDType } from '../../tensor/dtype.js';
import { normalizeDim, shapesEqual } from '../../tensor/shape.js';
import { backend } from '../../backend/registry.js';
import type { View } from '../../backend/backend.js';
import { record } from '../../autograd/record.js';
import { checkFloating, checkTensor, fromData } from '../util.js';
import { show } from './support.js';
import { softmaxGrad } from './softmax-grad.js';

export interface SoftmaxOptions {
  /** Cast the input to this dtype first (PyTorch's `dtype` argument), e.g. to compute in float64. */
  dtype?: FloatDType;
}

/**
 * exp(x) / sum(exp(x)) along `dim`. A row of only -Infinity gives NaN, as in PyTorch; -Infinity
 * entries in other rows give exact zeros (masking).
 *
 * ```ts
 * softmax(tensor([1, 2, 3]), 0); // [0.0900, 0.2447, 0.6652]
 * ```
 */
export function softmax(x: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  const [input, d] = prepare('softmax', x, dim, options);
  const out = run(input, d, false);
  // dx = y * (g - sum(g * y)), one fused op (softmax-grad.ts) when g matches out
  return record('softmax', out, [input], (g) => {
    if (g.dtype === out.dtype && shapesEqual(g.shape, out.shape)) return [softmaxGrad(g, out, d)];
    const gy = g.mul(out);
    return [gy.sub(out.mul(gy.sum(d, true)))];
  }, [out]);
}

/**
 * log(softmax(x)) along `dim`, computed as x - max - log(sum(exp(x - max))): stable where the
 * composition underflows to log(0).
 *
 * ```ts
 * logSoftmax(tensor([[0, 0]]), 1); // [[-0.6931, -0.6931]]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  const [input, d] = prepare('logSoftmax', x, dim, options);
  const out = run(input, d, true);
  // dx = g - softmax(x) * sum(g)
  return record('logSoftmax', out, [input], (g) => [g.sub(out.exp().mul(g.sum(d, true)))], [out]);
}

function prepare(op: string, x: Tensor, dim: number, options: SoftmaxOptions): [Tensor, number] {
  checkTensor(op, x);
  if (typeof dim !== 'number') throw new Error(`${op}: dim must be an integer, got ${show(dim)}`);
  const dtype = options.dtype;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
    throw new Error(`${op}: dtype must be 'float32' or 'float64', got ${show(dtype)}`);
  }
  const input = dtype !== undefined && dtype !== x.dtype ? x.to(dtype) : x;
  checkFloating(op, input);
  return [input, normalizeDim(op, dim, input.ndim)];
}

function run(x: Tensor, dim: number, log: boolean): Tensor {
  // A 0-d tensor is one row of one element.
  const view: View = x.ndim === 0 ? { data: x.data, dtype: x.dtype, shape: [1], strides: [1], offset: x.offset } : x;
  return fromData(backend().softmax(view, dim, log), x.shape, x.dtype);
}
