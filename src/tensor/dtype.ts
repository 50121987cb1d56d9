/**
 * Data types and PyTorch's type-promotion rules.
 *
 * Categories order as bool < integer < floating. When operands mix, the result takes the highest
 * category; within a category, the wider type. Operands of lower "priority" (0-d tensors, then JS
 * numbers) only raise the result's category, never its width within a category: a float32 tensor
 * times a float64 0-d tensor stays float32, an int32 tensor plus 2.5 becomes float32 (the default
 * float type), an int32 tensor plus 2 stays int32. JS has no separate integer literal, so a JS number
 * counts as an integer scalar when `Number.isInteger` holds (and int32 can hold it), otherwise as a
 * float scalar. docs/dtypes.md has the full table.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** The dtype of tensors built from plain JS numbers, and of floating results from integer inputs. */
export const DEFAULT_FLOAT: FloatDType = 'float32';

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const CTORS: { [K in DType]: ArrayCtor } = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

const CATEGORY: { [K in DType]: number } = { bool: 0, int32: 1, float32: 2, float64: 2 };
const RANK: { [K in DType]: number } = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function arrayCtor(dtype: DType): ArrayCtor {
  return CTORS[dtype];
}

/** A zero-filled array of `size` elements for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  return new CTORS[dtype](size);
}

export function isFloating(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64' || x === 'int32' || x === 'bool';
}

export function category(dtype: DType): number {
  return CATEGORY[dtype];
}

/** The smallest dtype both operands can be cast to without losing their category. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a JS scalar takes on its own: bool for booleans, int32 for integers that int32 can hold,
 * the default float type otherwise. An integer beyond the int32 range (2 ** 31, 1e10) counts as a
 * float: it cannot be an int32 value, and wrapping it silently would change its sign or size.
 */
export function scalarDType(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) && x >= -2147483648 && x <= 2147483647 ? 'int32' : DEFAULT_FLOAT;
}

/** An operand of a type-promoting op: a tensor's dtype and rank, or a JS scalar. */
export type PromotionOperand = { dtype: DType; ndim: number } | number | boolean;

/**
 * PyTorch's `result_type`: dimensioned tensors decide first; 0-d tensors and then scalars may only
 * raise the category (to the default dtype of that category when they are scalars).
 */
export function resultType(...operands: PromotionOperand[]): DType {
  let dim: DType | null = null;
  let zeroDim: DType | null = null;
  let scalar: DType | null = null;
  for (const op of operands) {
    if (typeof op === 'number' || typeof op === 'boolean') {
      const t = scalarDType(op);
      scalar = scalar === null ? t : promoteTypes(scalar, t);
    } else if (op.ndim === 0) {
      zeroDim = zeroDim === null ? op.dtype : promoteTypes(zeroDim, op.dtype);
    } else {
      dim = dim === null ? op.dtype : promoteTypes(dim, op.dtype);
    }
  }
  let result = dim;
  for (const lower of [zeroDim, scalar]) {
    if (lower === null) continue;
    if (result === null) result = lower;
    // A lower-priority operand of a higher category brings its own dtype: a float64 0-d tensor
    // raises an int32 tensor to float64, a JS float scalar raises it to the default float type.
    else if (CATEGORY[lower] > CATEGORY[result]) result = lower;
  }
  return result ?? DEFAULT_FLOAT;
}

/** The floating dtype an op like `exp` or `div` computes in for an input of `dtype`. */
export function toFloating(dtype: DType): FloatDType {
  return isFloating(dtype) ? dtype : DEFAULT_FLOAT;
}

/** Whether a value of dtype `from` may be written into a tensor of dtype `to` by an in-place op. */
export function canCast(from: DType, to: DType): boolean {
  return CATEGORY[from] <= CATEGORY[to];
}

/**
 * A number converted to int32 by truncation toward zero. Out-of-range values saturate and NaN becomes
 * 0: PyTorch leaves these undefined (x86 CPUs give -2^31, CUDA saturates); Tessera defines them so
 * that every backend agrees. See docs/dtypes.md.
 */
export function toInt32(x: number): number {
  if (x >= -2147483648 && x <= 2147483647) return Math.trunc(x) | 0;
  if (Number.isNaN(x)) return 0;
  return x > 0 ? 2147483647 : -2147483648;
}

/**
 * The value `x` takes when stored as `dtype`, by `to()`'s rules: bool is x != 0 (NaN is true), int32
 * as `toInt32`, float32 rounds to nearest.
 */
export function castValue(x: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'int32':
      return toInt32(x);
    case 'float32':
      return Math.fround(x);
    default:
      return x;
  }
}
