/**
 * The Tensor: a strided view (shape, strides, offset) over a shared Storage, plus its place in the
 * autograd graph. Methods are thin: each forwards to the op of the same name in ops/, where
 * validation, the kernel call and the backward rule live.
 */
import type { DType, TypedArray } from './dtype.js';
import { isFloating } from './dtype.js';
import type { Storage } from './storage.js';
import { formatShape, numelOf } from './shape.js';
import { AccumulateGrad, type Node } from '../autograd/node.js';
import * as ops from '../ops/index.js';
import type { Dims } from '../ops/reduce.js';
import type { TensorLike } from '../ops/util.js';
import { formatTensor } from './format.js';
import { backward, type BackwardOptions } from '../autograd/functional.js';

export class Tensor {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** The tensor whose storage this view shares, or null for a tensor that owns its storage. */
  readonly base: Tensor | null;
  /** Accumulated gradient of a leaf after `backward()` (or of a non-leaf after `retainGrad()`). */
  grad: Tensor | null = null;
  private _requiresGrad = false;
  private _gradFn: Node | null = null;
  private _accumulator: AccumulateGrad | null = null;
  private _contiguous = -1;

  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, base: Tensor | null = null) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = storage.dtype;
    this.base = base;
  }

  // ---- layout ---------------------------------------------------------------------------------

  /** The flat storage array (shared with views). Throws after `dispose()`. */
  get data(): TypedArray {
    if (this.storage.disposed) throw new Error(`this ${this.dtype} tensor of shape ${formatShape(this.shape)} was disposed and cannot be used`);
    return this.storage.data;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return numelOf(this.shape);
  }
  /** The shape, or the size of one dim (negative counts from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new Error(`size: dim ${dim} is out of range for shape ${formatShape(this.shape)}`);
    return this.shape[d]!;
  }
  isContiguous(): boolean {
    if (this._contiguous < 0) {
      let expected = 1;
      let ok = true;
      for (let i = this.shape.length - 1; i >= 0; i--) {
        const d = this.shape[i]!;
        if (d !== 1 && this.strides[i] !== expected) {
          ok = false;
          break;
        }
        expected *= d;
      }
      this._contiguous = ok ? 1 : 0;
    }
    return this._contiguous === 1;
  }

  // ---- values out -----------------------------------------------------------------------------

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) throw new Error(`item: only one-element tensors can be converted to a number, got shape ${formatShape(this.shape)}`);
    return this.data[this.offset]!;
  }
  /** The values as a new flat typed array in row-major order. */
  toArray(): TypedArray {
    const flat = ops.contiguous(this);
    // A contiguous view may start at an offset in a larger storage: copy only its own elements.
    return flat.data.slice(flat.offset, flat.offset + flat.numel) as TypedArray;
  }
  /** The values as nested JS arrays (numbers, or booleans for bool tensors). */
  tolist(): unknown {
    const flat = this.contiguous();
    const data = flat.data;
    const asBool = this.dtype === 'bool';
    let k = flat.offset;
    const build = (depth: number): unknown => {
      if (depth === this.ndim) {
        const v = data[k++]!;
        return asBool ? v !== 0 : v;
      }
      const out: unknown[] = [];
      for (let i = 0; i < this.shape[depth]!; i++) out.push(build(depth + 1));
      return out;
    };
    return build(0);
  }
  toString(options?: { precision?: number }): string {
    return formatTensor(this, options);
  }

  // ---- autograd -------------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }
  /** Marks a leaf as needing gradients; returns this. Only floating tensors can. */
  requiresGrad_(value = true): this {
    if (this._gradFn !== null) {
      if (!value) throw new Error('requiresGrad_: cannot turn off requiresGrad of a non-leaf tensor; use detach()');
      return this;
    }
    if (value && !isFloating(this.dtype)) {
      throw new Error(`requiresGrad_: only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    this._requiresGrad = value;
    return this;
  }
  /** The node that produced this tensor, or null for leaves. */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** Internal: attaches this tensor to the graph as the output of `node`. */
  setGradFn(node: Node): void {
    this._gradFn = node;
    this._requiresGrad = true;
  }
  /** Internal: where a gradient for this tensor goes (its node, or its leaf accumulator). */
  gradEdge(): Node {
    if (this._gradFn !== null) return this._gradFn;
    if (!this._requiresGrad) throw new Error('gradEdge: tensor does not require grad');
    if (this._accumulator === null) this._accumulator = new AccumulateGrad(this);
    return this._accumulator;
  }
  /** Keeps `.grad` for this non-leaf during backward. */
  retainGrad(): this {
    if (this._gradFn === null) {
      if (!this._requiresGrad) throw new Error('retainGrad: cannot retain the gradient of a tensor that does not require grad');
      return this;
    }
    this._gradFn.retained = this;
    return this;
  }
  /** Backpropagates from this tensor into the `.grad` of every leaf it depends on. */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    backward(this, gradient ?? null, options);
  }
  /** The same data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.base ?? this);
  }
  /** Cuts this tensor from the graph in place: it becomes a leaf that does not require grad. */
  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /** The storage's in-place modification counter. */
  get version(): number {
    return this.storage.version;
  }

  // ---- memory ---------------------------------------------------------------------------------

  /** Releases the storage now instead of waiting for the garbage collector (shared by views). */
  dispose(): void {
    this.storage.dispose();
  }
  get isDisposed(): boolean {
    return this.storage.disposed;
  }

  // ---- dtype ----------------------------------------------------------------------------------

  to(dtype: DType): Tensor {
    return ops.to(this, dtype);
  }
  float(): Tensor {
    return ops.to(this, 'float32');
  }
  double(): Tensor {
    return ops.to(this, 'float64');
  }
  int(): Tensor {
    return ops.to(this, 'int32');
  }
  bool(): Tensor {
    return ops.to(this, 'bool');
  }

  // ---- views (ops/view.ts) --------------------------------------------------------------------

  reshape(...shape: (number | readonly number[])[]): Tensor {
    return ops.reshape(this, flatShape(shape));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return ops.view(this, flatShape(shape));
  }
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return ops.permute(this, flatShape(dims));
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ops.movedim(this, source, destination);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return ops.slice(this, dim, start, end, step);
  }
  select(dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return ops.expand(this, flatShape(shape));
  }
  broadcastTo(...shape: (number | readonly number[])[]): Tensor {
    return ops.expand(this, flatShape(shape));
  }
  expandAs(other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  squeeze(dims?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dims);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return ops.unflatten(this, dim, sizes);
  }
  /** All dims reversed (the matrix transpose for 2-D). */
  get T(): Tensor {
    return ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i));
  }
  /** The last two dims swapped. */
  get mT(): Tensor {
    if (this.ndim < 2) throw new Error(`mT: needs at least 2 dimensions, got shape ${formatShape(this.shape)}`);
    return ops.transpose(this, -2, -1);
  }

  // ---- arithmetic (ops/binary.ts) -------------------------------------------------------------

  add(other: TensorLike, alpha?: number): Tensor {
    return ops.add(this, other, alpha);
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return ops.sub(this, other, alpha);
  }
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorLike, roundingMode?: 'trunc' | 'floor'): Tensor {
    return ops.div(this, other, roundingMode);
  }
  pow(exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  remainder(other: TensorLike): Tensor {
    return ops.remainder(this, other);
  }
  floorDivide(other: TensorLike): Tensor {
    return ops.floorDivide(this, other);
  }
  atan2(other: TensorLike): Tensor {
    return ops.atan2(this, other);
  }

  // ---- unary (ops/unary.ts) -------------------------------------------------------------------

  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  exp(): Tensor { return ops.exp(this); }
  expm1(): Tensor { return ops.expm1(this); }
  log(): Tensor { return ops.log(this); }
  log1p(): Tensor { return ops.log1p(this); }
  log2(): Tensor { return ops.log2(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  square(): Tensor { return ops.square(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tan(): Tensor { return ops.tan(this); }
  atan(): Tensor { return ops.atan(this); }
  asin(): Tensor { return ops.asin(this); }
  acos(): Tensor { return ops.acos(this); }
  sinh(): Tensor { return ops.sinh(this); }
  cosh(): Tensor { return ops.cosh(this); }
  asinh(): Tensor { return ops.asinh(this); }
  acosh(): Tensor { return ops.acosh(this); }
  atanh(): Tensor { return ops.atanh(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  erf(): Tensor { return ops.erf(this); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  trunc(): Tensor { return ops.trunc(this); }
  isnan(): Tensor { return ops.isnan(this); }
  isfinite(): Tensor { return ops.isfinite(this); }
  isinf(): Tensor { return ops.isinf(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(negativeSlope?: number): Tensor { return ops.leakyRelu(this, negativeSlope); }
  elu(alpha?: number): Tensor { return ops.elu(this, alpha); }
  selu(): Tensor { return ops.selu(this); }
  gelu(approximate?: 'none' | 'tanh'): Tensor { return ops.gelu(this, approximate); }
  silu(): Tensor { return ops.silu(this); }
  softplus(beta?: number, threshold?: number): Tensor { return ops.softplus(this, beta, threshold); }
  mish(): Tensor { return ops.mish(this); }

  // ---- reductions (ops/reduce.ts) -------------------------------------------------------------

  sum(dims?: Dims, keepdim?: boolean): Tensor {
    return ops.sum(this, dims, keepdim);
  }
  mean(dims?: Dims, keepdim?: boolean): Tensor {
    return ops.mean(this, dims, keepdim);
  }
  all(dims?: Dims, keepdim?: boolean): Tensor {
    return ops.all(this, dims, keepdim);
  }
  any(dims?: Dims, keepdim?: boolean): Tensor {
    return ops.any(this, dims, keepdim);
  }
  prod(dims?: Dims, keepdim?: boolean): Tensor { return ops.prod(this, dims, keepdim); }
  amax(dims?: Dims, keepdim?: boolean): Tensor { return ops.amax(this, dims, keepdim); }
  amin(dims?: Dims, keepdim?: boolean): Tensor { return ops.amin(this, dims, keepdim); }
  /** `max()`: the largest value; `max(dim, keepdim?)`: `{ values, indices }`; `max(other)`: `maximum`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): import('../ops/reduce.js').ValuesIndices;
  max(other: Tensor): Tensor;
  max(dimOrOther?: number | Tensor, keepdim?: boolean): Tensor | import('../ops/reduce.js').ValuesIndices {
    if (dimOrOther === undefined) return ops.max(this);
    return typeof dimOrOther === 'number' ? ops.max(this, dimOrOther, keepdim) : ops.max(this, dimOrOther);
  }
  /** `min()`: the smallest value; `min(dim, keepdim?)`: `{ values, indices }`; `min(other)`: `minimum`. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): import('../ops/reduce.js').ValuesIndices;
  min(other: Tensor): Tensor;
  min(dimOrOther?: number | Tensor, keepdim?: boolean): Tensor | import('../ops/reduce.js').ValuesIndices {
    if (dimOrOther === undefined) return ops.min(this);
    return typeof dimOrOther === 'number' ? ops.min(this, dimOrOther, keepdim) : ops.min(this, dimOrOther);
  }
  argmax(dim?: number | null, keepdim?: boolean): Tensor { return ops.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim?: boolean): Tensor { return ops.argmin(this, dim, keepdim); }
  countNonzero(dims?: Dims, keepdim?: boolean): Tensor { return ops.countNonzero(this, dims, keepdim); }

  // ---- linear algebra (ops/linalg.ts) ---------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return ops.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return ops.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return ops.outer(this, other);
  }

  // ---- in-place (ops/inplace.ts) --------------------------------------------------------------

  add_(other: TensorLike, alpha?: number): this { return ops.add_(this, other, alpha) as this; }
  sub_(other: TensorLike, alpha?: number): this { return ops.sub_(this, other, alpha) as this; }
  mul_(other: TensorLike): this { return ops.mul_(this, other) as this; }
  div_(other: TensorLike): this { return ops.div_(this, other) as this; }
  fill_(value: number | boolean): this { return ops.fill_(this, value) as this; }
  zero_(): this { return ops.fill_(this, 0) as this; }
  copy_(src: TensorLike): this { return ops.copy_(this, src) as this; }

  // ---- comparison and logic (ops/compare.ts) --------------------------------------------------

  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  logicalXor(other: TensorLike): Tensor { return ops.logicalXor(this, other); }
  logicalNot(): Tensor { return ops.logicalNot(this); }
  /** This where `condition` holds, `other` elsewhere (PyTorch's Tensor.where). */
  where(condition: Tensor, other: TensorLike): Tensor { return ops.where(condition, this, other); }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor { return ops.clamp(this, min, max); }
  allclose(other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): boolean { return ops.allclose(this, other, rtol, atol, equalNan); }
  isclose(other: Tensor, rtol?: number, atol?: number, equalNan?: boolean): Tensor { return ops.isclose(this, other, rtol, atol, equalNan); }

  // ---- more reductions, scans (ops/reduce.ts, ops/scan.ts) -------------------------------------

  /** Variance over `dims`; options `{ correction = 1, keepdim = false }` (or `unbiased`). */
  var(dims?: Dims, options?: import('../ops/reduce.js').VarOptions): Tensor { return ops.var(this, dims, options); }
  std(dims?: Dims, options?: import('../ops/reduce.js').VarOptions): Tensor { return ops.std(this, dims, options); }
  varMean(dims?: Dims, options?: import('../ops/reduce.js').VarOptions): [Tensor, Tensor] { return ops.varMean(this, dims, options); }
  stdMean(dims?: Dims, options?: import('../ops/reduce.js').VarOptions): [Tensor, Tensor] { return ops.stdMean(this, dims, options); }
  logsumexp(dims?: Dims, keepdim?: boolean): Tensor { return ops.logsumexp(this, dims, keepdim); }
  norm(p?: import('../ops/reduce.js').NormOrder, dims?: Dims, keepdim?: boolean): Tensor { return ops.norm(this, p, dims, keepdim); }
  cumsum(dim: number): Tensor { return ops.cumsum(this, dim); }
  cumprod(dim: number): Tensor { return ops.cumprod(this, dim); }
  logcumsumexp(dim: number): Tensor { return ops.logcumsumexp(this, dim); }

  // ---- shape ops (ops/shape.ts) ---------------------------------------------------------------

  split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] { return ops.split(this, splitSizeOrSections, dim); }
  chunk(chunks: number, dim?: number): Tensor[] { return ops.chunk(this, chunks, dim); }
  unbind(dim?: number): Tensor[] { return ops.unbind(this, dim); }
  repeat(...repeats: (number | readonly number[])[]): Tensor { return ops.repeat(this, ...repeats); }
  tile(...reps: (number | readonly number[])[]): Tensor { return ops.tile(this, ...reps); }
  flip(...dims: (number | readonly number[])[]): Tensor { return ops.flip(this, flatShape(dims)); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return ops.roll(this, shifts, dims); }
  tril(diagonal?: number): Tensor { return ops.tril(this, diagonal); }
  triu(diagonal?: number): Tensor { return ops.triu(this, diagonal); }

  // ---- indexing, sorting (ops/indexing.ts, ops/sort.ts) ---------------------------------------

  /** `x[...indices]` with PyTorch's rules: numbers, null (`:`), slices, '...', int32 and bool tensors. */
  index(...indices: ops.IndexItem[]): Tensor { return ops.index(this, ...indices); }
  indexPut(indices: readonly ops.IndexItem[], values: Tensor | number | boolean, accumulate?: boolean): Tensor { return ops.indexPut(this, indices, values, accumulate); }
  indexPut_(indices: readonly ops.IndexItem[], values: Tensor | number | boolean, accumulate?: boolean): this { return ops.indexPut_(this, indices, values, accumulate) as this; }
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return ops.scatter(this, dim, index, src); }
  scatter_(dim: number, index: Tensor, src: Tensor | number): this { return ops.scatter_(this, dim, index, src) as this; }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ops.scatterAdd(this, dim, index, src); }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this { return ops.scatterAdd_(this, dim, index, src) as this; }
  indexSelect(dim: number, index: Tensor): Tensor { return ops.indexSelect(this, dim, index); }
  indexAdd(dim: number, index: Tensor, src: Tensor, alpha?: number): Tensor { return ops.indexAdd(this, dim, index, src, alpha); }
  indexAdd_(dim: number, index: Tensor, src: Tensor, alpha?: number): this { return ops.indexAdd_(this, dim, index, src, alpha) as this; }
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor { return ops.maskedFill(this, mask, value); }
  maskedFill_(mask: Tensor, value: number | boolean | Tensor): this { return ops.maskedFill_(this, mask, value) as this; }
  maskedSelect(mask: Tensor): Tensor { return ops.maskedSelect(this, mask); }
  take(index: Tensor): Tensor { return ops.take(this, index); }
  nonzero(): Tensor { return ops.nonzero(this); }
  argwhere(): Tensor { return ops.argwhere(this); }
  sort(dim?: number, descending?: boolean): ops.ValuesIndices { return ops.sort(this, dim, descending); }
  argsort(dim?: number, descending?: boolean): Tensor { return ops.argsort(this, dim, descending); }
  msort(): Tensor { return ops.msort(this); }
  topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ops.ValuesIndices { return ops.topk(this, k, dim, largest, sorted); }
  kthvalue(k: number, dim?: number, keepdim?: boolean): ops.ValuesIndices { return ops.kthvalue(this, k, dim, keepdim); }

  // ---- nn primitives (ops/nn/*.ts) ------------------------------------------------------------

  softmax(dim: number, options?: ops.SoftmaxOptions): Tensor { return ops.softmax(this, dim, options); }
  logSoftmax(dim: number, options?: ops.SoftmaxOptions): Tensor { return ops.logSoftmax(this, dim, options); }
}

function flatShape(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as readonly number[]).slice();
  for (const a of args) if (typeof a !== 'number') throw new Error(`expected sizes as numbers or one array, got ${JSON.stringify(args)}`);
  return args as number[];
}
