/**
 * Conformance entries for ops/reduce.ts (and reduce-stats.ts, which it re-exports).
 *
 * Each entry's call returns several outputs, one per way of choosing dims: every dim (omitted), the
 * last dim by a negative index, and (from 2-d up) dims [0, -1] with keepdim. The expected values of a
 * sample are those of the first output. Ops with no identity (amax, max, ...) skip the choices that
 * would reduce a size-0 dim, which are errors (see errors()).
 *
 * Extremes: a 'broadcast' sample repeats its values, so its maximum is tied; finite differences then
 * see a one-sided slope (1/2) where the gradient is split evenly (1/k), so those skip gradcheck.
 */
import {
  sum, mean, prod, amax, amin, max, min, argmax, argmin, all, any, countNonzero, var as variance, std, varMean, stdMean,
  logsumexp, norm, tensor, zeros, Tensor,
} from '../../../src/index.js';
import type { Dims, NormOrder } from '../../../src/ops/reduce.js';
import type { ErrorCase, OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

type Choice = [Dims, boolean];

/** The dims choices for an input of this rank; without an identity, those reducing an empty dim are left out. */
function choices(x: Tensor, needsIdentity = false): Choice[] {
  const list: Choice[] = [[undefined, false], [-1, false]];
  if (x.ndim >= 2) list.push([[0, -1], true]);
  if (!needsIdentity) return list;
  return list.filter(([dims]) => {
    const ds = dims === undefined ? x.shape.map((_, i) => i) : (typeof dims === 'number' ? [dims] : (dims as number[])).map((d) => (d < 0 ? d + x.ndim : d));
    return x.ndim === 0 || ds.every((d) => x.shape[d] !== 0);
  });
}

const f64 = (v: number[]): Tensor => tensor(v, { dtype: 'float64' });

/** Standard samples: 3-d and 2-d contiguous, an expanded input, zero-size inputs, 0-d. */
function samples(options: { low?: number; high?: number; gradgrad?: boolean; ties?: boolean; emptyReduce?: boolean } = {}): Sample[] {
  const { low = -1, high = 1, gradgrad = false, ties = false, emptyReduce = true } = options;
  return [
    { kind: 'contiguous', inputs: [uniform([2, 3, 4], { seed: 1, low, high })], gradgrad },
    { kind: 'contiguous (2-d)', inputs: [uniform([3, 4], { seed: 2, low, high })] },
    { kind: 'broadcast', inputs: [uniform([1, 4], { seed: 3, low, high }).expand([3, 4])], noGradcheck: ties },
    { kind: 'zero-size', inputs: [zeros([0, 3])] },
    // reducing a size-0 dim gives the identity (0 for sum, 1 for prod, NaN for mean)
    ...(emptyReduce ? [{ kind: 'zero-size (reduced dim empty)', inputs: [zeros([3, 0])] }] : []),
    { kind: '0-d', inputs: [uniform([], { seed: 4, low, high })] },
  ];
}

function reductionEntry(
  name: string,
  f: (x: Tensor, dims: Dims, keepdim: boolean) => Tensor | readonly Tensor[],
  sampleList: Sample[],
  options: { differentiable?: boolean; needsIdentity?: boolean; errors?: () => ErrorCase[] } = {},
): OpEntry {
  const call = (x: Tensor): Tensor[] => choices(x, options.needsIdentity).flatMap(([d, k]) => {
    const r = f(x, d, k);
    return r instanceof Tensor ? [r] : [...r];
  });
  return {
    call: call as OpEntry['call'],
    differentiable: options.differentiable ?? true,
    samples: () => sampleList,
    errors: () => [...commonErrors(name, (x, dims, keepdim) => f(x, dims as Dims, keepdim as boolean)), ...(options.errors?.() ?? [])],
  };
}

/** Bad dims, shared by every reduction. */
function commonErrors(name: string, f: (x: Tensor, dims?: unknown, keepdim?: unknown) => unknown): ErrorCase[] {
  return [
    { name: 'dim out of range', call: () => f(zeros([2, 3]), 2, false), message: new RegExp(`^${name}: dim 2 is out of range for a tensor of 2 dimension\\(s\\) \\(expected -2\\.\\.1\\)`) },
    { name: 'negative dim out of range', call: () => f(zeros([2, 3]), [-3], false), message: new RegExp(`^${name}: dim -3 is out of range`) },
    { name: 'repeated dims', call: () => f(zeros([2, 3]), [1, -1], false), message: new RegExp(`^${name}: dim 1 appears more than once in \\[1,-1\\]`) },
    { name: 'a non-integer dim', call: () => f(zeros([2, 3]), 0.5, false), message: new RegExp(`^${name}: dim 0.5 is out of range`) },
    { name: 'dims of the wrong type', call: () => f(zeros([2, 3]), '1', false), message: new RegExp(`^${name}: dims must be a number, an array of numbers, or omitted, got string`) },
    { name: 'keepdim not a boolean', call: () => f(zeros([2, 3]), 0, { keepdim: true }), message: new RegExp(`^${name}: keepdim must be a boolean, got object`) },
    { name: 'a number instead of a tensor', call: () => f(2 as never, 0, false), message: new RegExp(`^${name}: input must be a Tensor, got number`) },
  ];
}

const emptyExtreme = (name: string, f: (x: Tensor) => unknown): ErrorCase[] => [
  { name: 'reducing a size-0 dim', call: () => f(zeros([2, 0])), message: new RegExp(`^${name}: cannot reduce over dim 1 of size 0 in shape \\[2,0\\]: the operation has no identity`) },
];

const integerInput = (name: string, f: (x: Tensor) => unknown): ErrorCase[] => [
  { name: 'an int32 input', call: () => f(tensor([1, 2], { dtype: 'int32' })), message: new RegExp(`^${name}: input must be floating point, got int32 of shape \\[2\\]`) },
  { name: 'a bool input', call: () => f(tensor([true])), message: new RegExp(`^${name}: input must be floating point, got bool`) },
];

/** max(x, dim) / min(x, dim) as outputs: the full reduction first (when it exists), then values and indices. */
function valuesIndicesCall(f: typeof max) {
  return (x: Tensor, other?: Tensor): Tensor[] => {
    if (other !== undefined) return [f(x, other)];
    const outs: Tensor[] = x.numel > 0 ? [f(x)] : [];
    const dims = x.ndim === 0 ? [0] : x.ndim === 1 ? [-1] : [-1, 0];
    dims.forEach((d, i) => {
      if (x.ndim > 0 && x.shape[d < 0 ? d + x.ndim : d] === 0) return;
      const r = f(x, d, i === 1);
      outs.push(r.values, r.indices);
    });
    return outs;
  };
}

function valuesIndicesEntry(name: 'max' | 'min', f: typeof max, known: Sample[]): OpEntry {
  return {
    call: valuesIndicesCall(f) as OpEntry['call'],
    differentiable: true,
    samples: () => [
      ...samples({ ties: true }).filter((s) => s.kind !== 'zero-size (reduced dim empty)'),
      { kind: 'two tensors (elementwise, broadcasting)', inputs: [uniform([2, 3], { seed: 5 }), uniform([3], { seed: 6 })] },
      ...known,
    ],
    errors: () => [
      { name: 'dim out of range', call: () => f(zeros([2, 3]), 2), message: new RegExp(`^${name}: dim 2 is out of range for a tensor of 2 dimension\\(s\\)`) },
      { name: 'several dims', call: () => f(zeros([2, 3]), [0, 1] as never), message: new RegExp(`^${name}: dim must be a number, got an array`) },
      { name: 'keepdim not a boolean', call: () => f(zeros([2, 3]), 0, 1 as never), message: new RegExp(`^${name}: keepdim must be a boolean, got number`) },
      { name: 'a number instead of a tensor', call: () => f(2 as never), message: new RegExp(`^${name}: input must be a Tensor, got number`) },
      ...emptyExtreme(name, (x) => f(x, 1)),
      { name: 'an empty tensor without a dim', call: () => f(zeros([0])), message: new RegExp(`^${name}: cannot reduce over dim 0 of size 0 in shape \\[0\\]`) },
    ],
  };
}

function argEntry(name: 'argmax' | 'argmin', f: typeof argmax, known: Sample[]): OpEntry {
  return {
    call: ((x: Tensor) => {
      const outs: Tensor[] = x.numel > 0 ? [f(x), f(x, null, true)] : [];
      if (x.ndim === 0 || x.shape[x.ndim - 1] !== 0) outs.push(f(x, -1));
      if (x.ndim >= 2 && x.shape[0] !== 0) outs.push(f(x, 0, true));
      return outs;
    }) as OpEntry['call'],
    differentiable: false,
    samples: () => [...samples().filter((s) => s.kind !== 'zero-size (reduced dim empty)'), ...known],
    errors: () => [
      { name: 'dim out of range', call: () => f(zeros([2, 3]), -3), message: new RegExp(`^${name}: dim -3 is out of range for a tensor of 2 dimension\\(s\\)`) },
      { name: 'several dims', call: () => f(zeros([2, 3]), [0, 1] as never), message: new RegExp(`^${name}: dim must be a number, got an array`) },
      ...emptyExtreme(name, (x) => f(x, 1)),
      { name: 'an empty tensor without a dim', call: () => f(zeros([2, 0])), message: new RegExp(`^${name}: cannot take the ${name} of an empty tensor of shape \\[2,0\\]`) },
      { name: 'a number instead of a tensor', call: () => f(2 as never), message: new RegExp(`^${name}: input must be a Tensor, got number`) },
    ],
  };
}

/** var-like entries: correction 1 over every dim first, then correction 0 over the last dim, then keepdim. */
function varEntry(name: string, f: typeof variance | typeof varMean, known: Sample[], gradgrad: boolean): OpEntry {
  const call = (x: Tensor): Tensor[] => {
    const outs = [f(x), f(x, -1, { correction: 0 }), ...(x.ndim >= 2 ? [f(x, [0, -1], { keepdim: true, unbiased: false })] : [])];
    return outs.flatMap((o) => (o instanceof Tensor ? [o] : [...o]));
  };
  return {
    call: call as OpEntry['call'],
    differentiable: true,
    samples: () => [
      ...samples({ gradgrad }).map((s) => (s.kind === '0-d' ? { ...s, noGradcheck: true } : s)),
      { kind: '0-d (one element: NaN with correction 1)', inputs: [tensor(2.5)], expected: NaN, noGradcheck: true },
      ...known,
    ],
    errors: () => [
      ...commonErrors(name, (x, dims, keepdim) => f(x, dims as Dims, typeof keepdim === 'boolean' ? { keepdim } : (keepdim as never))).filter((c) => c.name !== 'keepdim not a boolean'),
      ...integerInput(name, f),
      { name: 'keepdim passed positionally', call: () => f(zeros([2]), 0, true as never), message: new RegExp(`^${name}: options must be an object like \\{ correction: 1, keepdim: true \\}, got boolean`) },
      { name: 'both correction and unbiased', call: () => f(zeros([2]), 0, { correction: 0, unbiased: true }), message: new RegExp(`^${name}: give either correction or unbiased, not both`) },
      { name: 'a NaN correction', call: () => f(zeros([2]), 0, { correction: NaN }), message: new RegExp(`^${name}: correction must be a finite number, got NaN`) },
      { name: 'a non-boolean keepdim option', call: () => f(zeros([2]), 0, { keepdim: 1 as never }), message: new RegExp(`^${name}: keepdim must be a boolean, got number`) },
    ],
  };
}

/** Every order norm supports, each as one output; the first (p = 2) carries the expected values. */
const NORM_ORDERS: NormOrder[] = [2, 1, 3, 0.5, 'fro', Infinity, -Infinity, 0];

export const reduce = {
  sum: reductionEntry('sum', sum, [
    ...samples({ gradgrad: true }),
    { kind: 'known values', inputs: [tensor([[1, 2], [3, 4]])], expected: 10 },
    { kind: 'empty sum is 0', inputs: [zeros([0])], expected: 0 },
    { kind: 'int32 gives int32', inputs: [tensor([7, 1, -5], { dtype: 'int32' })], expected: 3 },
    { kind: 'bool gives int32', inputs: [tensor([true, false, true])], expected: 2 },
    // compensated summation: 1 + 1e-16 * 1e4 loses everything in a naive float64 running sum
    { kind: 'accurate float64 sum', inputs: [tensor(new Float64Array([1, ...new Array<number>(10000).fill(1e-16)]))], expected: 1 + 1e-12, rtol: 1e-15, atol: 0, noGradcheck: true },
  ]),
  mean: reductionEntry('mean', mean, [
    ...samples({ gradgrad: true }),
    { kind: 'known values', inputs: [tensor([[1, 2], [3, 4]])], expected: 2.5 },
    { kind: 'empty mean is NaN', inputs: [zeros([0])], expected: NaN },
  ], { errors: () => integerInput('mean', mean) }),
  prod: reductionEntry('prod', prod, [
    ...samples({ low: 0.5, high: 1.5, gradgrad: true }),
    { kind: 'known values', inputs: [tensor([[1, 2], [3, 4]])], expected: 24 },
    { kind: 'empty product is 1', inputs: [zeros([0])], expected: 1 },
    // prod is a polynomial, smooth at zeros, so finite differences check the exact zero handling
    { kind: 'one zero', inputs: [f64([2, 0, 3, 4, 5, 6]).reshape([2, 3])], expected: 0, gradgrad: true },
    { kind: 'several zeros', inputs: [f64([0, 0, 3, 0, 5, 6]).reshape([2, 3])], expected: 0, gradgrad: true },
    { kind: 'int32 gives int32', inputs: [tensor([2, -3, 4], { dtype: 'int32' })], expected: -24 },
  ]),
  amax: reductionEntry('amax', amax, [
    ...samples({ ties: true, emptyReduce: false }),
    { kind: 'known values', inputs: [tensor([[1, 5], [-3, 2]])], expected: 5 },
    { kind: 'NaN propagates', inputs: [tensor([1, NaN, 3])], expected: NaN, noGradcheck: true },
    // two tied maxima: each gets half the gradient (finite differences agree for a pair)
    { kind: 'a tie', inputs: [tensor([1, 3, 3, -2])], expected: 3 },
    { kind: 'int32 keeps its dtype', inputs: [tensor([4, -7, 9], { dtype: 'int32' })], expected: 9 },
  ], { needsIdentity: true, errors: () => emptyExtreme('amax', (x) => amax(x, 1)) }),
  amin: reductionEntry('amin', amin, [
    ...samples({ ties: true, emptyReduce: false }),
    { kind: 'known values', inputs: [tensor([[1, 5], [-3, 2]])], expected: -3 },
    { kind: 'a tie', inputs: [tensor([1, -2, 3, -2])], expected: -2 },
  ], { needsIdentity: true, errors: () => emptyExtreme('amin', (x) => amin(x, 1)) }),
  max: valuesIndicesEntry('max', max, [
    { kind: 'known values', inputs: [tensor([[1, 5], [3, 2]])], expected: 5 },
    { kind: 'NaN is the largest', inputs: [tensor([1, NaN, 3])], expected: NaN, noGradcheck: true },
  ]),
  min: valuesIndicesEntry('min', min as typeof max, [
    { kind: 'known values', inputs: [tensor([[1, 5], [3, 2]])], expected: 1 },
  ]),
  argmax: argEntry('argmax', argmax, [
    { kind: 'known values (flat index)', inputs: [tensor([[1, 5], [7, 2]])], expected: 2 },
    { kind: 'first of ties; NaN wins', inputs: [tensor([3, 1, 3, NaN, 5])], expected: 3 },
  ]),
  argmin: argEntry('argmin', argmin, [
    { kind: 'known values (flat index)', inputs: [tensor([[1, 5], [-7, 2]])], expected: 2 },
    { kind: 'first of ties', inputs: [tensor([3, 1, 3, 1])], expected: 1 },
  ]),
  all: reductionEntry('all', all, [
    ...samples(),
    { kind: 'known values', inputs: [tensor([[1, 0], [2, NaN]])], expected: false },
    { kind: 'empty is true', inputs: [zeros([0])], expected: true },
    { kind: 'all non-zero (NaN counts)', inputs: [tensor([1, NaN, -2])], expected: true },
  ], { differentiable: false }),
  any: reductionEntry('any', any, [
    ...samples(),
    { kind: 'known values', inputs: [tensor([[0, 0], [0, 0.5]])], expected: true },
    { kind: 'empty is false', inputs: [zeros([0])], expected: false },
    { kind: 'bool input', inputs: [tensor([false, false])], expected: false },
  ], { differentiable: false }),
  countNonzero: reductionEntry('countNonzero', countNonzero, [
    ...samples(),
    { kind: 'known values (NaN counts)', inputs: [tensor([[0, 1], [2, NaN]])], expected: 3 },
    { kind: 'empty is 0', inputs: [zeros([0])], expected: 0 },
  ], { differentiable: false }),
  var: varEntry('var', variance, [
    { kind: 'known values (correction 1)', inputs: [tensor([1, 2, 3, 4])], expected: 5 / 3 },
    // far from zero: E[x^2] - E[x]^2 would lose every digit here, in float64 and float32 alike
    { kind: 'large offset, float64', inputs: [f64([1e8 + 1, 1e8 + 2, 1e8 + 3])], expected: 1, rtol: 1e-12, atol: 0, noGradcheck: true },
    { kind: 'large offset, float32', inputs: [tensor([1e4 + 1, 1e4 + 2, 1e4 + 3, 1e4 + 4])], expected: 5 / 3, noGradcheck: true },
  ], true),
  std: varEntry('std', std, [
    { kind: 'known values (correction 1)', inputs: [tensor([2, 4, 4, 4, 5, 5, 7, 9])], expected: Math.sqrt(32 / 7) },
  ], false),
  varMean: varEntry('varMean', varMean, [
    { kind: 'known values', inputs: [tensor([1, 2, 3, 4])], expected: 5 / 3 },
  ], false),
  stdMean: varEntry('stdMean', stdMean, [
    { kind: 'known values', inputs: [tensor([1, 2, 3, 4])], expected: Math.sqrt(5 / 3) },
  ], false),
  logsumexp: reductionEntry('logsumexp', logsumexp, [
    ...samples({ gradgrad: true }),
    { kind: 'known values', inputs: [tensor([0, 0])], expected: Math.LN2 },
    { kind: 'large values do not overflow', inputs: [tensor([1000, 1000])], expected: 1000 + Math.LN2 },
    { kind: 'a -Infinity row, a +Infinity row', inputs: [tensor([[-Infinity, -Infinity], [Infinity, 1], [-Infinity, 0]])], expected: Infinity, noGradcheck: true },
    { kind: 'empty gives -Infinity', inputs: [zeros([0])], expected: -Infinity },
    { kind: 'int32 computes in float32', inputs: [tensor([0, 0], { dtype: 'int32' })], expected: Math.LN2 },
  ]),
  norm: {
    call: ((x: Tensor) => NORM_ORDERS.flatMap((p) =>
      choices(x, p === Infinity || p === -Infinity).map(([d, k]) => norm(x, p, d, k)))) as OpEntry['call'],
    differentiable: true,
    samples: () => [
      // away from zero, where |x| has its kink
      ...samples({ low: 0.2, high: 1, gradgrad: true, ties: true }),
      { kind: 'known values', inputs: [tensor([3, 4])], expected: 5 },
      { kind: 'known values, 2-d, Frobenius', inputs: [tensor([[1, -2], [2, -4]])], expected: 5 },
    ],
    errors: () => [
      ...commonErrors('norm', (x, dims, keepdim) => norm(x, 2, dims as Dims, keepdim as boolean)),
      ...integerInput('norm', (x) => norm(x)),
      { name: 'a negative p', call: () => norm(zeros([2]), -1), message: /^norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got -1/ },
      { name: 'a NaN p', call: () => norm(zeros([2]), NaN), message: /^norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got NaN/ },
      { name: 'an unknown p string', call: () => norm(zeros([2]), 'abc' as never), message: /^norm: p must be a number >= 0, Infinity, -Infinity or 'fro', got 'abc'/ },
      { name: 'the nuclear norm', call: () => norm(zeros([2, 2]), 'nuc' as never), message: /^norm: the nuclear norm \('nuc'\) is a matrix norm and is not supported/ },
      { name: 'the inf norm of an empty tensor', call: () => norm(zeros([0]), Infinity), message: /^norm: cannot reduce over dim 0 of size 0 in shape \[0\]: the operation has no identity/ },
    ],
  },
} satisfies OpTableFragment;
