/** Shapes, strides and broadcasting: pure functions on number arrays. */
export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; `op` names the caller in the error. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (shapesEqual(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new Error(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    }
  }
  return out;
}

/** Turns a possibly negative dim into an index in [0, ndim), or throws naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dimension(s) (expected ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalizes a set of dims (undefined means all), sorted, without duplicates. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => (ndim === 0 ? (normalizeDim(op, d, 0), 0) : normalizeDim(op, d, ndim)));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new Error(`${op}: dim ${d} appears more than once in ${JSON.stringify(list)}`);
    seen.add(d);
  }
  return ndim === 0 ? [] : out.sort((x, y) => x - y);
}

/** Validates a user-supplied shape (non-negative integers). */
export function checkShape(op: string, shape: readonly number[]): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${formatShape(shape)}: sizes must be non-negative integers`);
  }
  return shape.slice();
}

/** Accepts `f(2, 3)` and `f([2, 3])` alike. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as readonly number[]).slice();
  return args as number[];
}
