/**
 * Op codes shared with the addon (native/src/elementwise/table.h, UnaryCode / BinaryCode; reduce.cc
 * for reductions). Mapped types: an op missing here is a compile error, and
 * test/backend/native checks every op against the reference kernels.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend.js';

export const UNARY_CODE: { readonly [K in UnaryOp]: number } = {
  neg: 0, abs: 1, sign: 2, exp: 3, expm1: 4, log: 5,
  log1p: 6, log2: 7, sqrt: 8, rsqrt: 9, square: 10, reciprocal: 11,
  sin: 12, cos: 13, tan: 14, tanh: 15, sigmoid: 16, relu: 17,
  leakyRelu: 18, elu: 19, selu: 20, gelu: 21, geluTanh: 22, silu: 23,
  softplus: 24, mish: 25, erf: 26, floor: 27, ceil: 28, round: 29,
  trunc: 30, isnan: 31, isfinite: 32, isinf: 33, logicalNot: 34, powScalar: 35,
  atan: 36, asin: 37, acos: 38, sinh: 39, cosh: 40, asinh: 41,
  atanh: 42, acosh: 43,
};

export const BINARY_CODE: { readonly [K in BinaryOp]: number } = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5,
  minimum: 6, remainder: 7, floorDivide: 8, atan2: 9, eq: 10, ne: 11,
  lt: 12, le: 13, gt: 14, ge: 15, logicalAnd: 16, logicalOr: 17,
  logicalXor: 18,
};

/** The addon's internal binary code for relu's gradient (B_RELU_GRAD, after the BinaryOps). */
export const RELU_BACKWARD_CODE = 19;

export const REDUCE_CODE: { readonly [K in ReduceOp]: number } = { sum: 0, prod: 1, max: 2, min: 3, all: 4, any: 5 };

function byCode<K extends string>(codes: { readonly [P in K]: number }): K[] {
  return (Object.keys(codes) as K[]).sort((a, b) => codes[a] - codes[b]);
}

export const UNARY_OPS: readonly UnaryOp[] = byCode(UNARY_CODE);
export const BINARY_OPS: readonly BinaryOp[] = byCode(BINARY_CODE);
