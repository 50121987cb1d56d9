/**
 * Scans along one dim: cumulative sum, product and log-sum-exp. `dim` is required (negative counts
 * from the end), as in PyTorch; a 0-d tensor scans as a single element. Sums and products of bool
 * and int32 give int32.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { nonDifferentiable, record } from '../autograd/record.js';
import { checkTensor, fromData } from './util.js';
import { maximum } from './binary.js';
import { where } from './compare.js';
import { checkDim, shiftLeft, shiftRight } from './reduce-support.js';

function runScan(op: 'cumsum' | 'cumprod', x: Tensor, dim: unknown): { out: Tensor; k: number } {
  checkTensor(op, x);
  const k = checkDim(op, x, dim);
  const dtype = isFloating(x.dtype) ? x.dtype : 'int32';
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  return { out: fromData(backend().scan(op, x1, k, dtype), x.shape, dtype), k };
}

/** Sums from the end backwards along `k` (the backward of cumsum). */
function reverseCumsum(g: Tensor, k: number): Tensor {
  return g.ndim === 0 ? g : cumsum(g.flip(k), k).flip(k);
}

/**
 * Running sums along `dim`: out[i] = x[0] + ... + x[i].
 *
 * ```ts
 * cumsum(tensor([1, 2, 3]), 0); // [1, 3, 6]
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const { out, k } = runScan('cumsum', x, dim);
  if (!isFloating(out.dtype)) return nonDifferentiable('cumsum', out);
  return record('cumsum', out, [x], (g) => [reverseCumsum(g, k)]);
}

/**
 * Running products along `dim`: out[i] = x[0] * ... * x[i]. The gradient is exact where the input
 * has zeros (it does not divide by x there) and is differentiable again: at the first zero of a
 * slice, d out[j] / d x[k] is the product of the other factors; past it, every gradient is 0.
 *
 * ```ts
 * cumprod(tensor([1, 2, 3]), 0); // [1, 2, 6]
 * ```
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  const { out, k } = runScan('cumprod', x, dim);
  if (!isFloating(out.dtype)) return nonDifferentiable('cumprod', out);
  return record('cumprod', out, [x], (g) => [cumprodGrad(g, x, out, k)], [x, out]);
}

/**
 * grad[k] = sum over j >= k of g[j] * prod over m <= j, m != k of x[m]. Without zeros that is
 * reverse-cumsum(g * out) / x. With zeros it is L[k] * S[k], where L[k] = x[0] * ... * x[k-1] and
 * S[k] = g[k] + x[k+1] * S[k+1], a linear recurrence solved by doubling in log2(n) steps of
 * multiplications and additions only, so no division by zero and a correct double backward.
 */
function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, k: number): Tensor {
  if (x.ndim === 0 || x.numel === 0) return g;
  if (!x.eq(0).any().item()) return reverseCumsum(g.mul(out), k).div(x);
  const xm = x.movedim(k, -1);
  const n = xm.shape[xm.ndim - 1]!;
  const left = shiftRight(cumprod(xm, -1), 1, 1);
  // S[k] = b[k] + a[k] * S[k + span]; each step doubles the span.
  let a = shiftLeft(xm, 1, 0);
  let b = g.movedim(k, -1);
  for (let span = 1; span < n; span *= 2) {
    const nextB = b.add(a.mul(shiftLeft(b, span, 0)));
    a = a.mul(shiftLeft(a, span, 0));
    b = nextB;
  }
  return left.mul(b).movedim(-1, k);
}

/**
 * log(cumsum(exp(x))) along `dim`, computed stably (pairwise log-add-exp in log2(n) doubling steps, so
 * values far apart neither overflow nor vanish). Floating inputs only; -Infinity entries add nothing.
 *
 * ```ts
 * logcumsumexp(tensor([0, 0, 0]), 0); // [0, ln 2, ln 3]
 * ```
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  checkTensor('logcumsumexp', x);
  const k = checkDim('logcumsumexp', x, dim);
  if (!isFloating(x.dtype)) {
    throw new Error(`logcumsumexp: input must be floating point, got ${x.dtype} of shape ${formatShape(x.shape)}; cast it with .to('float32')`);
  }
  if (x.ndim === 0 || x.numel === 0) return x.clone();
  let y = x.movedim(k, -1);
  const n = y.shape[y.ndim - 1]!;
  for (let span = 1; span < n; span *= 2) y = logAddExp(y, shiftRight(y, span, -Infinity));
  return y.movedim(-1, k);
}

/**
 * log(exp(a) + exp(b)) = max + log1p(exp(-|a - b|)); `b` is the earlier part of the scan. Where the
 * maximum is infinite the larger operand passes through whole (no inf - inf), `a` on a tie, so a
 * leading run of -Infinity keeps out[0] = x[0] with gradient 1.
 */
function logAddExp(a: Tensor, b: Tensor): Tensor {
  const m = maximum(a, b);
  const infinite = m.isinf();
  // The difference is masked before use, so that its NaN never reaches the gradient either.
  const diff = where(infinite, 0, a.sub(b));
  return where(infinite, where(a.ge(b), a, b), m.add(diff.abs().neg().exp().log1p()));
}
