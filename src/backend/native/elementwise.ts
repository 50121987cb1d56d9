/**
 * Native wrappers of the elementwise, reduction, scan and softmax kernels. Each writes the views'
 * layouts into META, calls the addon with the arrays, and falls back to the reference kernel for
 * what the addon does not take: dtype combinations without a native loop (mixed-dtype operands,
 * most int32/bool arithmetic), more than MAX_DIMS dims, and calls too small to repay the N-API
 * crossing (`thresholds`).
 */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { isFloating } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import type { Backend, BinaryOp, UnaryOp, View } from '../backend.js';
import { jsBackend as js } from '../js/index.js';
import type { AllocOut, KernelFactory, NativeAddon } from './addon.js';
import { BINARY_CODE, REDUCE_CODE, RELU_BACKWARD_CODE, UNARY_CODE } from './codes.js';
import { MAX_DIMS, META, writeView } from './meta.js';

declare module './addon.js' {
  interface NativeAddon {
    copy(dst: TypedArray, src: TypedArray): boolean;
    unary(out: TypedArray, x: TypedArray): boolean;
    binary(out: TypedArray, a: TypedArray, b: TypedArray): boolean;
    where(out: TypedArray, cond: TypedArray, a: TypedArray, b: TypedArray): boolean;
    reduce(out: TypedArray, x: TypedArray): boolean;
    argReduce(out: Int32Array, x: TypedArray): boolean;
    scan(out: TypedArray, x: TypedArray): boolean;
    softmax(out: TypedArray, x: TypedArray): boolean;
    /** Runs the elementwise kernels of another ISA path (tests); returns the one now in use. */
    useKernelTable(name: string): string;
  }
}

/**
 * Element counts below which the reference kernel runs instead (measured with `npm run bench --
 * overhead` and test/backend/native/threshold probes): `cheap` for memory-bound loops, `costly` for
 * loops calling exp, log, pow and the like. Tests set both to 0 to exercise every native path.
 */
export const thresholds = { cheap: 256, costly: 64 };

/** Sets the thresholds (internal: tests and benchmarks). */
export function setNativeThresholds(t: Partial<typeof thresholds>): void {
  Object.assign(thresholds, t);
}

const COSTLY_UNARY = new Set<UnaryOp>([
  'exp', 'expm1', 'log', 'log1p', 'log2', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'elu', 'selu', 'gelu',
  'geluTanh', 'silu', 'softplus', 'mish', 'erf', 'powScalar', 'atan', 'asin', 'acos', 'sinh', 'cosh',
  'asinh', 'atanh', 'acosh',
]);
const COSTLY_BINARY = new Set<BinaryOp>(['pow', 'remainder', 'floorDivide', 'atan2']);
const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
const PREDICATES = new Set<UnaryOp>(['isnan', 'isfinite', 'isinf', 'logicalNot']);
const INT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square', 'powScalar']);

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether the addon has a loop for this unary call (mirrors native/src/elementwise/elementwise.cc). */
function unaryNative(op: UnaryOp, x: DType, out: DType): boolean {
  if (x === 'int32') return out === 'int32' && INT_UNARY.has(op);
  if (!isFloating(x)) return false;
  return PREDICATES.has(op) ? out === 'bool' : out === x;
}

function binaryNative(op: BinaryOp, a: DType, b: DType, out: DType): boolean {
  if (a !== b) return false;
  if (COMPARISONS.has(op)) return out === 'bool';
  if (out !== a || a === 'bool') return false;
  return a !== 'int32' || (op !== 'div' && op !== 'atan2');
}

export const elementwiseKernels: KernelFactory = (addon: NativeAddon, allocOut: AllocOut): Partial<Backend> => {
  function copy(x: View, dtype: DType): TypedArray {
    const n = numel(x.shape);
    if (n < thresholds.cheap || x.shape.length > MAX_DIMS) return js.copy(x, dtype);
    const out = allocOut(dtype, n, false);
    // The destination: contiguous, shaped like x.
    let p = 0;
    META[p++] = x.shape.length;
    for (const d of x.shape) META[p++] = d;
    let s = 1;
    const strides = new Array<number>(x.shape.length);
    for (let i = x.shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= x.shape[i]!;
    }
    for (const st of strides) META[p++] = st;
    META[p++] = 0;
    writeView(p, x);
    if (addon.copy(out, x.data)) return out;
    return js.copy(x, dtype);
  }

  function assign(dst: View, src: View): void {
    const n = numel(dst.shape);
    if (n < thresholds.cheap || dst.shape.length > MAX_DIMS) return js.assign(dst, src);
    // A source overlapping the destination (x.copy_(x.flip(0))) is read completely first.
    const from: View =
      src.data.buffer === dst.data.buffer
        ? { data: copy(src, src.dtype), dtype: src.dtype, shape: src.shape, strides: contiguousStrides(src.shape), offset: 0 }
        : src;
    writeView(writeView(0, dst), from);
    if (!addon.copy(dst.data, from.data)) js.assign(dst, from);
  }

  function unary(op: UnaryOp, x: View, outDtype: DType, param: number): TypedArray {
    const n = numel(x.shape);
    const min = COSTLY_UNARY.has(op) ? thresholds.costly : thresholds.cheap;
    if (n < min || x.shape.length > MAX_DIMS || !unaryNative(op, x.dtype, outDtype)) return js.unary(op, x, outDtype, param);
    const out = allocOut(outDtype, n, false);
    META[0] = UNARY_CODE[op];
    META[1] = param;
    writeView(2, x);
    if (addon.unary(out, x.data)) return out;
    return js.unary(op, x, outDtype, param);
  }

  function binary(op: BinaryOp, a: View, b: View, outDtype: DType): TypedArray {
    const n = numel(a.shape);
    const min = COSTLY_BINARY.has(op) ? thresholds.costly : thresholds.cheap;
    if (n < min || a.shape.length > MAX_DIMS || !binaryNative(op, a.dtype, b.dtype, outDtype)) return js.binary(op, a, b, outDtype);
    const out = allocOut(outDtype, n, false);
    META[0] = BINARY_CODE[op];
    writeView(writeView(1, a), b);
    if (addon.binary(out, a.data, b.data)) return out;
    return js.binary(op, a, b, outDtype);
  }

  // One pass through the binary kernels' machinery (strides, threads, the CPU's vector width).
  function reluBackward(g: View, out: View): TypedArray {
    const n = numel(g.shape);
    if (n < thresholds.cheap || g.shape.length > MAX_DIMS || g.dtype !== out.dtype || !isFloating(g.dtype)) return js.reluBackward(g, out);
    const result = allocOut(g.dtype, n, false);
    META[0] = RELU_BACKWARD_CODE;
    writeView(writeView(1, g), out);
    if (addon.binary(result, g.data, out.data)) return result;
    return js.reluBackward(g, out);
  }

  function where(cond: View, a: View, b: View, outDtype: DType): TypedArray {
    const n = numel(cond.shape);
    if (n < thresholds.cheap || cond.shape.length > MAX_DIMS || cond.dtype !== 'bool' || a.dtype !== outDtype || b.dtype !== outDtype) {
      return js.where(cond, a, b, outDtype);
    }
    const out = allocOut(outDtype, n, false);
    writeView(writeView(writeView(0, cond), a), b);
    if (addon.where(out, cond.data, a.data, b.data)) return out;
    return js.where(cond, a, b, outDtype);
  }

  const reduce: Backend['reduce'] = (op, x, dims, outDtype) => {
    const n = numel(x.shape);
    if (n < thresholds.cheap || x.shape.length > MAX_DIMS || x.shape.length === 0) return js.reduce(op, x, dims, outDtype);
    let outSize = 1;
    for (let d = 0; d < x.shape.length; d++) if (!dims.includes(d)) outSize *= x.shape[d]!;
    const out = allocOut(outDtype, outSize, false);
    META[0] = REDUCE_CODE[op];
    let p = writeView(1, x);
    for (let d = 0; d < x.shape.length; d++) META[p++] = dims.includes(d) ? 1 : 0;
    if (addon.reduce(out, x.data)) return out;
    return js.reduce(op, x, dims, outDtype);
  };

  const argReduce: Backend['argReduce'] = (op, x, dim) => {
    const n = numel(x.shape);
    if (n < thresholds.cheap || x.shape.length > MAX_DIMS || x.shape.length === 0) return js.argReduce(op, x, dim);
    let outSize = 1;
    for (let d = 0; d < x.shape.length; d++) if (d !== dim) outSize *= x.shape[d]!;
    const out = allocOut('int32', outSize, false) as Int32Array;
    META[0] = op === 'argmax' ? 0 : 1;
    META[1] = dim;
    writeView(2, x);
    if (addon.argReduce(out, x.data)) return out;
    return js.argReduce(op, x, dim);
  };

  const scan: Backend['scan'] = (op, x, dim, outDtype) => {
    const n = numel(x.shape);
    if (n < thresholds.cheap || x.shape.length > MAX_DIMS || x.shape.length === 0 || x.dtype !== outDtype) return js.scan(op, x, dim, outDtype);
    const out = allocOut(outDtype, n, false);
    META[0] = op === 'cumsum' ? 0 : 1;
    META[1] = dim;
    writeView(2, x);
    if (addon.scan(out, x.data)) return out;
    return js.scan(op, x, dim, outDtype);
  };

  const softmax: Backend['softmax'] = (x, dim, log) => {
    const n = numel(x.shape);
    if (n < thresholds.costly || x.shape.length > MAX_DIMS || x.shape.length === 0 || !isFloating(x.dtype)) return js.softmax(x, dim, log);
    const out = allocOut(x.dtype, n, false);
    META[0] = log ? 1 : 0;
    META[1] = dim;
    writeView(2, x);
    if (addon.softmax(out, x.data)) return out;
    return js.softmax(x, dim, log);
  };

  return { copy, assign, unary, binary, where, reluBackward, reduce, argReduce, scan, softmax };
};
