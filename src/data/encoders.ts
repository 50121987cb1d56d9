/**
 * Encoders for categorical table columns: integer indices (IndexEncoder, alias LabelEncoder) and
 * one-hot vectors. Each saves its fitted state as plain JSON (`stateDict()`).
 */
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import type { FloatDType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';

/** A category value: strings, or numbers used as labels. */
export type Category = string | number;

/** Sorts categories: numbers ascending (NaN last), then strings by code unit. */
export function sortCategories(values: Iterable<Category>): Category[] {
  return [...new Set(values)].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function showCategory(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function categoryList(op: string, values: unknown): Category[] {
  if (values instanceof Tensor) {
    if (values.ndim !== 1) throw new Error(`${op}: expected a 1-D tensor of values, got shape ${formatShape(values.shape)}`);
    return Array.from(values.toArray());
  }
  if (!Array.isArray(values)) throw new Error(`${op}: expected an array of strings or numbers, or a 1-D tensor, got ${values === null ? 'null' : typeof values}`);
  const bad = values.findIndex((v) => typeof v !== 'string' && typeof v !== 'number');
  if (bad >= 0) throw new Error(`${op}: values must be strings or numbers, got ${showCategory(values[bad])} at index ${bad}`);
  return values as Category[];
}

/** The plain-JSON state of an IndexEncoder. */
export interface IndexEncoderState {
  categories: Category[];
  handleUnknown: 'error' | 'useUnknownValue';
  unknownValue: number;
}

/**
 * Maps category values to indices 0..k-1 (the sorted distinct values seen by `fit`, or the given
 * `categories` in their order) and back. An unseen value is an error, or with
 * `handleUnknown: 'useUnknownValue'` becomes `unknownValue` (default -1). `LabelEncoder` is the same class.
 *
 * ```ts
 * const enc = new IndexEncoder().fit(['cat', 'dog', 'cat']);
 * enc.transform(['dog', 'cat']);   // int32 [1, 0]
 * enc.inverseTransform([1]);       // ['dog']
 * ```
 */
export class IndexEncoder {
  categories: Category[] | null = null;
  handleUnknown: 'error' | 'useUnknownValue';
  unknownValue: number;
  private index = new Map<Category, number>();

  constructor(options: { categories?: readonly Category[]; handleUnknown?: 'error' | 'useUnknownValue'; unknownValue?: number } = {}) {
    this.handleUnknown = options.handleUnknown ?? 'error';
    if (this.handleUnknown !== 'error' && this.handleUnknown !== 'useUnknownValue') {
      throw new Error(`IndexEncoder: handleUnknown must be 'error' or 'useUnknownValue', got ${showCategory(this.handleUnknown)}`);
    }
    this.unknownValue = options.unknownValue ?? -1;
    if (!Number.isInteger(this.unknownValue)) throw new Error(`IndexEncoder: unknownValue must be an integer, got ${this.unknownValue}`);
    if (options.categories !== undefined) this.setCategories('IndexEncoder', categoryList('IndexEncoder', options.categories));
  }

  private setCategories(op: string, categories: Category[]): void {
    this.index = new Map(categories.map((c, i) => [c, i]));
    if (this.index.size !== categories.length) throw new Error(`${op}: categories must be distinct, got ${categories.map(showCategory).join(', ')}`);
    this.categories = categories;
  }

  /** The number of categories. */
  get size(): number {
    return this.categories?.length ?? 0;
  }

  /** Learns the sorted distinct values. */
  fit(values: readonly Category[] | Tensor): this {
    this.setCategories('IndexEncoder.fit', sortCategories(categoryList('IndexEncoder.fit', values)));
    return this;
  }

  /** The index of one value (see handleUnknown for unseen ones). */
  encode(value: Category): number {
    if (this.categories === null) throw new Error('IndexEncoder.encode: this encoder is not fitted; call fit() first (or pass categories)');
    const i = this.index.get(value);
    if (i !== undefined) return i;
    if (this.handleUnknown === 'useUnknownValue') return this.unknownValue;
    const known = this.categories.slice(0, 10).map(showCategory).join(', ') + (this.categories.length > 10 ? ', ...' : '');
    throw new Error(`IndexEncoder: unknown category ${showCategory(value)} (known: ${known}); pass handleUnknown: 'useUnknownValue' to map unseen values to ${this.unknownValue}`);
  }

  /** The value at an index. */
  decode(index: number): Category {
    if (this.categories === null) throw new Error('IndexEncoder.decode: this encoder is not fitted; call fit() first (or pass categories)');
    if (!Number.isInteger(index) || index < 0 || index >= this.categories.length) {
      throw new Error(`IndexEncoder.decode: index ${index} is out of range for ${this.categories.length} categories`);
    }
    return this.categories[index]!;
  }

  /** int32 indices [N] of the values. */
  transform(values: readonly Category[] | Tensor): Tensor {
    const list = categoryList('IndexEncoder.transform', values);
    return fromArray(Int32Array.from(list, (v) => this.encode(v)), [list.length], 'int32');
  }

  fitTransform(values: readonly Category[] | Tensor): Tensor {
    return this.fit(values).transform(values);
  }

  /** The values of indices (a 1-D tensor or an array). */
  inverseTransform(indices: Tensor | readonly number[]): Category[] {
    return Array.from(categoryList('IndexEncoder.inverseTransform', indices) as number[], (i) => this.decode(i));
  }

  stateDict(): IndexEncoderState {
    if (this.categories === null) throw new Error('IndexEncoder.stateDict: this encoder is not fitted; call fit() first');
    return { categories: [...this.categories], handleUnknown: this.handleUnknown, unknownValue: this.unknownValue };
  }

  loadStateDict(state: IndexEncoderState): this {
    const op = 'IndexEncoder.loadStateDict';
    if (state === null || typeof state !== 'object') throw new Error(`${op}: expected an object with categories, got ${String(state)}`);
    this.setCategories(op, categoryList(op, state.categories));
    if (state.handleUnknown !== undefined) this.handleUnknown = state.handleUnknown;
    if (state.unknownValue !== undefined) this.unknownValue = state.unknownValue;
    return this;
  }
}

/** scikit-learn's name for an IndexEncoder of target labels. */
export const LabelEncoder = IndexEncoder;
export type LabelEncoder = IndexEncoder;

/** The plain-JSON state of a OneHotEncoder. */
export interface OneHotEncoderState {
  categories: Category[][];
  handleUnknown: 'error' | 'ignore';
}

/** Columns of a table given as a tensor [N, F] / [N] or as rows of values (or one column of values). */
function columnsOf(op: string, rows: unknown): Category[][] {
  if (rows instanceof Tensor) {
    if (rows.ndim === 1) return [Array.from(rows.toArray())];
    if (rows.ndim !== 2) throw new Error(`${op}: expected a tensor [N] or [N, columns], got shape ${formatShape(rows.shape)}`);
    const [n, f] = rows.shape as [number, number];
    const v = rows.toArray();
    return Array.from({ length: f }, (_, j) => Array.from({ length: n }, (_, i) => v[i * f + j]!));
  }
  if (!Array.isArray(rows)) throw new Error(`${op}: expected rows of values (an array of arrays), one column of values, or a tensor, got ${rows === null ? 'null' : typeof rows}`);
  if (rows.length === 0 || !Array.isArray(rows[0])) return [categoryList(op, rows)];
  const f = (rows[0] as unknown[]).length;
  const cols: Category[][] = Array.from({ length: f }, () => []);
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== f) throw new Error(`${op}: row ${i} has ${Array.isArray(r) ? r.length : 'no'} values, row 0 has ${f}`);
    categoryList(op, r).forEach((v, j) => cols[j]!.push(v));
  });
  return cols;
}

/**
 * One-hot encodes categorical columns: each column becomes as many 0/1 columns as it has categories
 * (sorted distinct values seen by `fit`). An unseen value is an error, or with
 * `handleUnknown: 'ignore'` encodes as all zeros.
 *
 * ```ts
 * const enc = new OneHotEncoder().fit([['red', 'S'], ['blue', 'M']]);
 * enc.transform([['blue', 'S']]);   // float32 [[1, 0, 0, 1]]
 * enc.featureNames(['color', 'size']); // ['color=blue', 'color=red', 'size=M', 'size=S']
 * ```
 */
export class OneHotEncoder {
  readonly handleUnknown: 'error' | 'ignore';
  readonly dtype: FloatDType;
  private encoders: IndexEncoder[] | null = null;

  constructor(options: { handleUnknown?: 'error' | 'ignore'; dtype?: FloatDType } = {}) {
    this.handleUnknown = options.handleUnknown ?? 'error';
    if (this.handleUnknown !== 'error' && this.handleUnknown !== 'ignore') throw new Error(`OneHotEncoder: handleUnknown must be 'error' or 'ignore', got ${showCategory(this.handleUnknown)}`);
    this.dtype = options.dtype ?? 'float32';
  }

  /** Each column's categories; null until fitted. */
  get categories(): Category[][] | null {
    return this.encoders?.map((e) => [...e.categories!]) ?? null;
  }

  fit(rows: readonly (readonly Category[])[] | readonly Category[] | Tensor): this {
    this.setCategories(columnsOf('OneHotEncoder.fit', rows).map(sortCategories));
    return this;
  }

  private setCategories(categories: Category[][]): void {
    const handleUnknown = this.handleUnknown === 'ignore' ? 'useUnknownValue' : 'error';
    this.encoders = categories.map((c) => new IndexEncoder({ categories: c, handleUnknown }));
  }

  /** [N, total categories] 0/1 values. */
  transform(rows: readonly (readonly Category[])[] | readonly Category[] | Tensor): Tensor {
    const op = 'OneHotEncoder.transform';
    if (this.encoders === null) throw new Error(`${op}: this encoder is not fitted; call fit() first (or loadStateDict())`);
    const cols = columnsOf(op, rows);
    if (cols.length !== this.encoders.length) throw new Error(`${op}: fitted on ${this.encoders.length} columns, got ${cols.length}`);
    const n = cols[0]!.length;
    const width = this.encoders.reduce((s, e) => s + e.size, 0);
    const out = this.dtype === 'float64' ? new Float64Array(n * width) : new Float32Array(n * width);
    let base = 0;
    cols.forEach((col, j) => {
      const enc = this.encoders![j]!;
      col.forEach((v, i) => {
        let k: number;
        try {
          k = enc.encode(v);
        } catch {
          throw new Error(`${op}: unknown category ${showCategory(v)} in column ${j} (row ${i}); pass handleUnknown: 'ignore' to encode unseen values as zeros`);
        }
        if (k >= 0) out[i * width + base + k] = 1;
      });
      base += enc.size;
    });
    return fromArray(out, [n, width], this.dtype);
  }

  fitTransform(rows: readonly (readonly Category[])[] | readonly Category[] | Tensor): Tensor {
    return this.fit(rows).transform(rows);
  }

  /** Rows of values back from one-hot rows (the largest entry per column group; all zeros give null). */
  inverseTransform(x: Tensor): (Category | null)[][] {
    const op = 'OneHotEncoder.inverseTransform';
    if (this.encoders === null) throw new Error(`${op}: this encoder is not fitted; call fit() first (or loadStateDict())`);
    const width = this.encoders.reduce((s, e) => s + e.size, 0);
    if (!(x instanceof Tensor) || x.ndim !== 2 || x.shape[1] !== width) throw new Error(`${op}: expected a tensor [N, ${width}], got ${x instanceof Tensor ? `shape ${formatShape(x.shape)}` : typeof x}`);
    const v = x.toArray();
    return Array.from({ length: x.shape[0]! }, (_, i) => {
      let base = i * width;
      return this.encoders!.map((enc) => {
        let best = -1;
        for (let k = 0; k < enc.size; k++) if (v[base + k]! > 0 && (best < 0 || v[base + k]! > v[base + best]!)) best = k;
        base += enc.size;
        return best < 0 ? null : enc.decode(best);
      });
    });
  }

  /** Output column names, `name=value`, with input names `x0, x1, ...` unless given. */
  featureNames(inputNames?: readonly string[]): string[] {
    const cats = this.categories;
    if (cats === null) throw new Error('OneHotEncoder.featureNames: this encoder is not fitted; call fit() first');
    if (inputNames !== undefined && inputNames.length !== cats.length) throw new Error(`OneHotEncoder.featureNames: fitted on ${cats.length} columns, got ${inputNames.length} names`);
    return cats.flatMap((c, j) => c.map((v) => `${inputNames?.[j] ?? `x${j}`}=${v}`));
  }

  stateDict(): OneHotEncoderState {
    const categories = this.categories;
    if (categories === null) throw new Error('OneHotEncoder.stateDict: this encoder is not fitted; call fit() first');
    return { categories, handleUnknown: this.handleUnknown };
  }

  loadStateDict(state: OneHotEncoderState): this {
    const op = 'OneHotEncoder.loadStateDict';
    if (state === null || typeof state !== 'object' || !Array.isArray(state.categories)) throw new Error(`${op}: expected an object with categories (one array per column), got ${JSON.stringify(state)?.slice(0, 80)}`);
    if (state.handleUnknown !== undefined) (this as { handleUnknown: 'error' | 'ignore' }).handleUnknown = state.handleUnknown;
    this.setCategories(state.categories.map((c) => categoryList(op, c)));
    return this;
  }
}
