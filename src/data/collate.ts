/**
 * Collation: turning a list of samples into one batch.
 *
 * `defaultCollate` follows the samples' structure: tensors are stacked along a new dim 0, numbers
 * become a tensor (int32 when every one is an integer, else float32), booleans a bool tensor, strings
 * stay an array, and arrays and plain objects are collated position by position / key by key. So a
 * batch of `[image, label]` samples is `[images [B, ...], labels [B]]`.
 *
 * ```ts
 * defaultCollate([[x0, 3], [x1, 7]]);          // [stack([x0, x1]), tensor([3, 7], int32)]
 * defaultCollate([{ a: 1.5 }, { a: 2 }]);      // { a: tensor([1.5, 2]) }
 * ```
 */
import { Tensor } from '../tensor/tensor.js';
import { allocArray } from '../tensor/dtype.js';
import { fromArray } from '../tensor/creation.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';

/** Turns a list of samples into a batch. */
export type CollateFn<T, B> = (samples: T[]) => B;

/** The batch type defaultCollate makes from samples of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Collates samples by structure (see the file comment). Throws, naming the sample index and the path
 * inside the sample, when samples disagree in shape, dtype, type, length or keys.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples)) throw new Error(`defaultCollate: expects an array of samples, got ${typeof samples}`);
  if (samples.length === 0) throw new Error('defaultCollate: cannot collate an empty list of samples');
  return collateAt(samples, '') as Collated<T>;
}

function kindOf(v: unknown): string {
  if (v instanceof Tensor) return 'Tensor';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** ' at [0].x' for a nested path, '' at the top. */
function at(path: string): string {
  return path === '' ? '' : ` at ${path}`;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const kind = kindOf(first);
  items.forEach((v, i) => {
    if (kindOf(v) !== kind) throw new Error(`defaultCollate: sample ${i}${at(path)} is ${kindOf(v)}, but sample 0 has ${kind}`);
  });
  switch (kind) {
    case 'Tensor':
      return stackSamples(items as Tensor[], path);
    case 'number':
      return numbersToTensor(items as number[]);
    case 'boolean':
      return fromArray(Uint8Array.from(items as boolean[], (b) => (b ? 1 : 0)), [items.length], 'bool');
    case 'string':
      return items.slice();
    case 'array': {
      const n = (first as unknown[]).length;
      items.forEach((v, i) => {
        const len = (v as unknown[]).length;
        if (len !== n) throw new Error(`defaultCollate: sample ${i}${at(path)} has ${len} elements, but sample 0 has ${n}`);
      });
      const out: unknown[] = [];
      for (let k = 0; k < n; k++) out.push(collateAt(items.map((v) => (v as unknown[])[k]), `${path}[${k}]`));
      return out;
    }
    case 'object': {
      const proto = Object.getPrototypeOf(first);
      if (proto !== Object.prototype && proto !== null) {
        throw new Error(`defaultCollate: sample 0${at(path)} is a ${proto?.constructor?.name ?? 'class instance'}; only tensors, numbers, booleans, strings, arrays and plain objects can be collated (pass a collate function)`);
      }
      const keys = Object.keys(first as object);
      const want = keys.slice().sort().join(',');
      items.forEach((v, i) => {
        const got = Object.keys(v as object).sort().join(',');
        if (got !== want) throw new Error(`defaultCollate: sample ${i}${at(path)} has keys {${got}}, but sample 0 has {${want}}`);
      });
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = collateAt(items.map((v) => (v as Record<string, unknown>)[k]), `${path}.${k}`);
      return out;
    }
    default:
      throw new Error(`defaultCollate: sample 0${at(path)} is ${kind}; only tensors, numbers, booleans, strings, arrays and plain objects can be collated`);
  }
}

/** int32 when all values are integers in range, else float32. */
function numbersToTensor(values: number[]): Tensor {
  const ints = values.every((v) => Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX);
  return ints ? fromArray(Int32Array.from(values), [values.length], 'int32') : fromArray(Float32Array.from(values), [values.length], 'float32');
}

/**
 * Stacks equally shaped tensors along a new dim 0 by copying their values into one new buffer (the
 * result does not require grad: batches are data, not graph nodes).
 */
export function stackSamples(tensors: readonly Tensor[], path = ''): Tensor {
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new Error(`defaultCollate: sample ${i}${at(path)} has dtype ${t.dtype}, but sample 0 has ${first.dtype}`);
    if (!shapesEqual(t.shape, first.shape)) {
      throw new Error(`defaultCollate: sample ${i}${at(path)} has shape ${formatShape(t.shape)}, but sample 0 has ${formatShape(first.shape)}`);
    }
  });
  const size = first.numel;
  const out = allocArray(first.dtype, size * tensors.length);
  tensors.forEach((t, i) => {
    const c = t.isContiguous() ? t : t.contiguous();
    out.set(c.data.subarray(c.offset, c.offset + size) as never, i * size);
  });
  return fromArray(out, [tensors.length, ...first.shape], first.dtype);
}
