/**
 * Statistical reductions: variance and standard deviation, log-sum-exp, vector norms. All are
 * composed from other ops (sum, amax, sqrt...), so gradients and double backward come for free; the
 * one recorded helper is `root`, a power 1/p whose gradient is 0 (not NaN) where its result is 0.
 * Re-exported by reduce.ts; see there for the calling convention.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { zeros } from '../tensor/creation.js';
import { record } from '../autograd/record.js';
import { unaryKernel } from './support.js';
import { describe } from './util.js';
import { where } from './compare.js';
import { amax, amin, mean, sum, type Dims } from './reduce.js';
import { checkNonEmpty, countOf, reduceDims } from './reduce-support.js';

/** Options of `var`, `std`, `varMean` and `stdMean`. */
export interface VarOptions {
  /**
   * Subtracted from the element count in the divisor: 1 (the default) is Bessel's unbiased
   * estimate, 0 the population variance. A divisor at or below 0 gives Infinity or NaN, as in PyTorch.
   */
  correction?: number;
  /** PyTorch's older spelling: `unbiased: false` is `correction: 0`. Give one or the other. */
  unbiased?: boolean;
  keepdim?: boolean;
}

function floatingInput(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) {
    throw new Error(`${op}: input must be floating point, got ${x.dtype} of shape ${formatShape(x.shape)}; cast it with .to('float32')`);
  }
}

function varOptions(op: string, options: unknown): { correction: number; keepdim: boolean } {
  if (options === undefined || options === null) return { correction: 1, keepdim: false };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${op}: options must be an object like { correction: 1, keepdim: true }, got ${describe(options)}`);
  }
  const { correction, unbiased, keepdim = false } = options as VarOptions;
  if (correction !== undefined && unbiased !== undefined) throw new Error(`${op}: give either correction or unbiased, not both`);
  if (correction !== undefined && (typeof correction !== 'number' || !Number.isFinite(correction))) {
    throw new Error(`${op}: correction must be a finite number, got ${String(correction)}`);
  }
  if (unbiased !== undefined && typeof unbiased !== 'boolean') throw new Error(`${op}: unbiased must be a boolean, got ${describe(unbiased)}`);
  if (typeof keepdim !== 'boolean') throw new Error(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
  return { correction: correction ?? (unbiased === false ? 0 : 1), keepdim };
}

/** Variance and mean, both with reduced dims kept, and the caller's keepdim. */
function moments(op: string, x: Tensor, dims: Dims, options: unknown): { variance: Tensor; mu: Tensor; d: number[]; keepdim: boolean } {
  const { correction, keepdim } = varOptions(op, options);
  const d = reduceDims(op, x, dims, false);
  floatingInput(op, x);
  // Two passes: the deviations from the mean are squared, not the raw values, so large offsets
  // (1e8 + [1, 2, 3]) do not cancel catastrophically as in E[x^2] - E[x]^2.
  const mu = mean(x, d, true);
  const variance = x.sub(mu).square().sum(d, true).div(Math.max(0, countOf(x, d) - correction));
  return { variance, mu, d, keepdim };
}

function unkeep(t: Tensor, d: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? t : t.reshape(t.shape.filter((_, i) => !d.includes(i)));
}

/**
 * Variance over `dims` (all when omitted), divided by N - correction (default correction 1).
 * Floating inputs only. Computed in two passes (mean first), so it stays accurate for data far
 * from zero. Exported as `var` (a keyword in JS: `import { var as variance }`, or use `x.var()`).
 *
 * ```ts
 * tensor([1, 2, 3, 4]).var();                             // 1.6667
 * tensor([1, 2, 3, 4]).var(null, { correction: 0 });      // 1.25
 * tensor([[1, 2], [3, 5]]).var(1, { keepdim: true });     // [[0.5], [2]]
 * ```
 */
export function var_(x: Tensor, dims?: Dims, options?: VarOptions): Tensor {
  const { variance, d, keepdim } = moments('var', x, dims, options);
  return unkeep(variance, d, keepdim);
}

/**
 * Standard deviation over `dims`: the square root of `var` with the same options. Its gradient is 0
 * where the deviation is 0 (constant input), as in PyTorch.
 *
 * ```ts
 * std(tensor([2, 4, 4, 4, 5, 5, 7, 9]), null, { correction: 0 }); // 2
 * ```
 */
export function std(x: Tensor, dims?: Dims, options?: VarOptions): Tensor {
  const { variance, d, keepdim } = moments('std', x, dims, options);
  return unkeep(root('std', variance, 2), d, keepdim);
}

/** `[var, mean]` over `dims`, computing the mean once; options as for `var`. */
export function varMean(x: Tensor, dims?: Dims, options?: VarOptions): [Tensor, Tensor] {
  const { variance, mu, d, keepdim } = moments('varMean', x, dims, options);
  return [unkeep(variance, d, keepdim), unkeep(mu, d, keepdim)];
}

/** `[std, mean]` over `dims`; options as for `var`. */
export function stdMean(x: Tensor, dims?: Dims, options?: VarOptions): [Tensor, Tensor] {
  const { variance, mu, d, keepdim } = moments('stdMean', x, dims, options);
  return [unkeep(root('stdMean', variance, 2), d, keepdim), unkeep(mu, d, keepdim)];
}

/**
 * log(sum(exp(x))) over `dims` (all when omitted), computed stably: the largest value is subtracted
 * before exponentiating, so large inputs do not overflow. A slice of -Infinity gives -Infinity, one
 * holding +Infinity gives +Infinity, an empty one gives -Infinity. Integer and bool inputs are
 * computed in float32, as in PyTorch.
 *
 * ```ts
 * logsumexp(tensor([0, 0]));       // ln 2
 * logsumexp(tensor([1000, 1000])); // 1000 + ln 2
 * ```
 */
export function logsumexp(x: Tensor, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('logsumexp', x, dims, keepdim);
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const keptShape = xf.shape.map((s, i) => (d.includes(i) ? 1 : s));
  // The shift is a constant (detached): it cancels out of the value, and of the gradient.
  let m = d.some((i) => xf.shape[i] === 0) ? zeros(keptShape, { dtype: xf.dtype }) : amax(xf.detach(), d, true);
  // An infinite maximum would give inf - inf = NaN; shifting by 0 there gives the right limit.
  m = where(m.isfinite(), m, 0);
  return unkeep(xf.sub(m).exp().sum(d, true).log().add(m), d, keepdim);
}

/** The order of a vector norm: a non-negative number, +-Infinity, or 'fro' (the same as 2). */
export type NormOrder = number | 'fro';

/**
 * The vector p-norm over `dims` (all when omitted; several dims are flattened into one vector):
 * (sum |x|^p)^(1/p) for p > 0, max |x| for Infinity, min |x| for -Infinity, the count of non-zeros for
 * p = 0; 'fro' is p = 2. Floating inputs only. Negative finite p (allowed by PyTorch's vector_norm)
 * and the matrix norms ('nuc') are not supported. The gradient at x = 0 is 0, not NaN.
 *
 * ```ts
 * norm(tensor([3, 4]));                    // 5
 * norm(tensor([[1, -2], [3, 4]]), 1, 1);   // [3, 7]
 * norm(tensor([1, -5, 2]), Infinity);      // 5
 * ```
 */
export function norm(x: Tensor, p: NormOrder = 2, dims?: Dims, keepdim = false): Tensor {
  const d = reduceDims('norm', x, dims, keepdim);
  const order = normOrder(p);
  floatingInput('norm', x);
  if (order === Infinity || order === -Infinity) {
    checkNonEmpty('norm', x, d);
    return order > 0 ? amax(x.abs(), d, keepdim) : amin(x.abs(), d, keepdim);
  }
  // p = 0 counts non-zeros; the pow(0) keeps the result in the graph with a zero gradient.
  if (order === 0) return sum(where(x.ne(0), x.abs().pow(0), 0), d, keepdim);
  if (order === 1) return sum(x.abs(), d, keepdim);
  if (order === 2) return root('norm', sum(x.square(), d, keepdim), 2);
  // |x|^p with x = 0 kept out of pow, whose gradient there is NaN or Infinity when p < 1.
  const nonzero = x.ne(0);
  const powered = where(nonzero, where(nonzero, x, 1).abs().pow(order), 0);
  return root('norm', sum(powered, d, keepdim), order);
}

function normOrder(p: unknown): number {
  if (p === 'fro') return 2;
  if (p === 'nuc') throw new Error("norm: the nuclear norm ('nuc') is a matrix norm and is not supported; use a vector p or 'fro'");
  if (typeof p !== 'number' || Number.isNaN(p) || (p < 0 && p !== -Infinity)) {
    throw new Error(`norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got ${typeof p === 'string' ? `'${p}'` : String(p)}`);
  }
  return p;
}

/**
 * s^(1/p) for s >= 0, recorded with a gradient of 0 where the result is 0 (PyTorch's choice for std
 * and norm; the true derivative is infinite there). The backward avoids 0/0 so that double backward
 * is NaN-free too.
 */
function root(name: string, s: Tensor, p: number): Tensor {
  const out = p === 2 ? unaryKernel('sqrt', s, s.dtype) : unaryKernel('powScalar', s, s.dtype, 1 / p);
  return record(
    name,
    out,
    [s],
    (g) => {
      // d s^(1/p) / ds = s^(1/p) / (p s)
      const zero = out.eq(0);
      const denom = where(zero, 1, s).mul(p);
      return [where(zero, 0, g.mul(out).div(denom))];
    },
    [s, out],
  );
}
