/** Reference elementwise kernels: one scalar function per op, one strided loop for all of them. */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocArray, toInt32 } from '../../tensor/dtype.js';
import type { BinaryOp, UnaryOp, View } from '../backend.js';
import { viewOffsets } from './strided.js';
import { erf, floorDivide, intPow, pow, remainder, roundHalfEven, SELU_ALPHA, SELU_SCALE, sigmoid, softplus, SQRT_2_OVER_PI } from './math.js';

type UnaryFn = (x: number, p: number) => number;
type BinaryFn = (a: number, b: number) => number;

/** Every unary op's scalar definition; a missing entry is a compile error. */
export const UNARY: { [K in UnaryOp]: UnaryFn } = {
  neg: (x) => -x,
  abs: Math.abs,
  // NaN stays NaN (as in NumPy; PyTorch's CPU kernel gives 0, pytorch/pytorch#41245).
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  log2: Math.log2,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  atan: Math.atan,
  asin: Math.asin,
  acos: Math.acos,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  leakyRelu: (x, slope) => (x > 0 ? x : x * slope),
  elu: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  silu: (x) => x * sigmoid(x),
  // Linear above 20 exactly, as PyTorch's default threshold makes it.
  softplus: (x) => (x > 20 ? x : softplus(x)),
  mish: (x) => x * Math.tanh(softplus(x)),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  logicalNot: (x) => (x === 0 ? 1 : 0),
  powScalar: (x, p) => pow(x, p),
};

/** Every binary op's scalar definition (comparisons return 0/1). */
export const BINARY: { [K in BinaryOp]: BinaryFn } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : Number.isNaN(b) ? b : a === b ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : Number.isNaN(b) ? b : a === b ? a : b),
  remainder,
  floorDivide,
  atan2: Math.atan2,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
};

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Integer results wrap on overflow (two's complement, as PyTorch's integer types do): storing into an
 * Int32Array wraps any exact result, so only ops whose double result can be inexact (beyond 2^53) need
 * their own integer form. Division by zero gives 0 (ops are expected to reject it first).
 */
function intBinary(op: BinaryOp, f: BinaryFn): BinaryFn {
  if (op === 'floorDivide') return (a, b) => (b === 0 ? 0 : Math.floor(a / b));
  if (op === 'remainder') return (a, b) => (b === 0 ? 0 : remainder(a, b));
  if (op === 'mul') return Math.imul;
  if (op === 'pow') return intPow;
  return f;
}

/** Same for unary ops with int32 results. */
function intUnary(op: UnaryOp, f: UnaryFn): UnaryFn {
  if (op === 'square') return (x) => Math.imul(x, x);
  if (op === 'powScalar') return intPow;
  return f;
}

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

/** The scalar function for `op` writing into `outDtype`: bool results of arithmetic (True + True) are x != 0. */
function binaryFn(op: BinaryOp, outDtype: DType): BinaryFn {
  const f = BINARY[op];
  if (outDtype === 'int32') return intBinary(op, f);
  if (outDtype === 'bool' && !COMPARISONS.has(op)) return (a, b) => (f(a, b) !== 0 ? 1 : 0);
  return f;
}

export function unary(op: UnaryOp, x: View, outDtype: DType, param: number): TypedArray {
  const n = numel(x.shape);
  const out = allocArray(outDtype, n);
  const f = outDtype === 'int32' ? intUnary(op, UNARY[op]) : UNARY[op];
  const src = x.data;
  const ox = viewOffsets(x);
  if (ox === null) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = f(src[o + i]!, param);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(src[ox[i]!]!, param);
  }
  return out;
}

export function binary(op: BinaryOp, a: View, b: View, outDtype: DType): TypedArray {
  const n = numel(a.shape);
  const out = allocArray(outDtype, n);
  const f = binaryFn(op, outDtype);
  const da = a.data;
  const db = b.data;
  const oa = viewOffsets(a);
  const ob = viewOffsets(b);
  if (oa === null && ob === null) {
    const sa = a.offset;
    const sb = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(da[sa + i]!, db[sb + i]!);
  } else {
    const sa = a.offset;
    const sb = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(da[oa === null ? sa + i : oa[i]!]!, db[ob === null ? sb + i : ob[i]!]!);
  }
  return out;
}

export function where(cond: View, a: View, b: View, outDtype: DType): TypedArray {
  const n = numel(cond.shape);
  const out = allocArray(outDtype, n);
  const oc = viewOffsets(cond);
  const oa = viewOffsets(a);
  const ob = viewOffsets(b);
  for (let i = 0; i < n; i++) {
    const c = cond.data[oc === null ? cond.offset + i : oc[i]!]!;
    out[i] = c !== 0 ? a.data[oa === null ? a.offset + i : oa[i]!]! : b.data[ob === null ? b.offset + i : ob[i]!]!;
  }
  return out;
}

/**
 * Converts one value for storage in `dtype` by `castValue`'s rules (tensor/dtype.ts): bool is x != 0,
 * int32 truncates toward zero (saturating, NaN to 0). Floating targets need nothing: typed array
 * stores round to nearest.
 */
function caster(dtype: DType): ((x: number) => number) | null {
  if (dtype === 'bool') return (x) => (x !== 0 ? 1 : 0);
  if (dtype === 'int32') return toInt32;
  return null;
}

export function copy(x: View, dtype: DType): TypedArray {
  const n = numel(x.shape);
  const out = allocArray(dtype, n);
  const ox = viewOffsets(x);
  const src = x.data;
  const cast = x.dtype === dtype ? null : caster(dtype);
  if (ox === null && cast === null) {
    if (src.constructor === out.constructor) (out as Float64Array).set(src.subarray(x.offset, x.offset + n) as Float64Array);
    else for (let i = 0; i < n; i++) out[i] = src[x.offset + i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const v = src[ox === null ? x.offset + i : ox[i]!]!;
      out[i] = cast === null ? v : cast(v);
    }
  }
  return out;
}

export function assign(dst: View, src: View): void {
  const n = numel(dst.shape);
  const od = viewOffsets(dst);
  const os = viewOffsets(src);
  const cast = src.dtype === dst.dtype ? null : caster(dst.dtype);
  // A source that overlaps the destination (x.copy_(x.flip(0))) must be read completely first.
  const values = src.data === dst.data ? copy(src, src.dtype) : null;
  for (let i = 0; i < n; i++) {
    const v = values !== null ? values[i]! : src.data[os === null ? src.offset + i : os[i]!]!;
    dst.data[od === null ? dst.offset + i : od[i]!] = cast === null ? v : cast(v);
  }
}
