/**
 * `Tensor.toString()`, following PyTorch's `_tensor_str.py` layout rule for rule, so that printed
 * tensors read the same in both:
 * - floats whose non-zero finite values are all integral print as `1.` (int mode); otherwise with
 *   `precision` decimals (`1.5000`); scientific notation (`1.0000e-08`) when the largest and smallest
 *   non-zero finite magnitudes differ by more than 1000x, or exceed 1e8, or (not in int mode) fall
 *   below 1e-4. Rounding is half-to-even on the exact binary value, as Python's `format` does.
 * - every element is right-aligned to the widest one; rows wrap at 80 columns.
 * - more than 1000 elements: only the first and last 3 entries of each dim, with `...` between.
 * - suffixes: `dtype=` for float64 and int32 (float32 is the default, bool speaks for itself; empty
 *   tensors name any non-default dtype), `size=(0, 3)` for empty tensors that are not 1-D, and
 *   `gradFn=<name>` or `requiresGrad=true`.
 */
import type { Tensor } from './tensor.js';

export interface FormatOptions {
  /** Digits after the point (also in scientific notation). */
  precision?: number;
}

const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PREFIX = 'tensor(';

/** PyTorch-style text: `tensor([[1.0000, 2.5000], ...], dtype=float64)`. */
export function formatTensor(t: Tensor, options: FormatOptions = {}): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const precision = options.precision ?? 4;
  if (!Number.isInteger(precision) || precision < 0 || precision > 20) {
    throw new Error(`toString: precision must be an integer from 0 to 20, got ${precision}`);
  }
  const suffixes: string[] = [];
  let body: string;
  if (t.numel === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype === 'float64' || t.dtype === 'int32') suffixes.push(`dtype=${t.dtype}`);
    body = tensorBody(t, precision);
  }
  const gradFn = t.gradFn;
  if (gradFn !== null) suffixes.push(`gradFn=<${gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requiresGrad=true');
  return addSuffixes(PREFIX + body, suffixes);
}

/** Appends `, suffix` to the last line, or on a new indented line when it would pass the line width. */
function addSuffixes(text: string, suffixes: readonly string[]): string {
  const parts = [text];
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1; // PyTorch's arithmetic, kept exactly
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      parts.push(',\n' + ' '.repeat(PREFIX.length) + suffix);
      lastLineLength = PREFIX.length + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLength += suffix.length + 2;
    }
  }
  return parts.join('') + ')';
}

function tensorBody(t: Tensor, precision: number): string {
  const values = t.toArray();
  const shape = t.shape;
  const summarize = t.numel > THRESHOLD;
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  // Indices printed along a dim: all, or the edges when summarizing (null marks the `...`).
  const shown = (n: number): (number | null)[] =>
    summarize && n > 2 * EDGE_ITEMS
      ? [...range(0, EDGE_ITEMS), null, ...range(n - EDGE_ITEMS, n)]
      : range(0, n);

  // The formatter sees only the values that will be printed.
  const printed: number[] = [];
  const collect = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      printed.push(values[offset]!);
      return;
    }
    for (const i of shown(shape[dim]!)) if (i !== null) collect(dim + 1, offset + i * strides[dim]!);
  };
  collect(0, 0);
  const fmt = makeFormatter(t.dtype, printed, precision);

  const vector = (offset: number, indent: number): string => {
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (fmt.width + 2)));
    const items = shown(shape[shape.length - 1]!).map((i) => (i === null ? ' ...' : fmt.format(values[offset + i * strides[shape.length - 1]!]!)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
  };
  const build = (dim: number, offset: number, indent: number): string => {
    const remaining = shape.length - dim;
    if (remaining === 1) return vector(offset, indent);
    const slices = shown(shape[dim]!).map((i) => (i === null ? '...' : build(dim + 1, offset + i * strides[dim]!, indent + 1)));
    return '[' + slices.join(',' + '\n'.repeat(remaining - 1) + ' '.repeat(indent + 1)) + ']';
  };
  if (shape.length === 0) return fmt.format(values[0]!);
  return build(0, 0, PREFIX.length);
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

interface Formatter {
  width: number;
  format(v: number): string;
}

/** PyTorch's `_Formatter`: picks int, fixed or scientific mode from the printed values, and a common width. */
function makeFormatter(dtype: Tensor['dtype'], values: readonly number[], precision: number): Formatter {
  const pad = (s: string, width: number) => (s.length < width ? ' '.repeat(width - s.length) + s : s);
  if (dtype === 'bool' || dtype === 'int32') {
    const text = (v: number) => (dtype === 'bool' ? (v !== 0 ? 'true' : 'false') : String(v));
    let width = 1;
    for (const v of values) width = Math.max(width, text(v).length);
    return { width, format: (v) => pad(text(v), width) };
  }
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sciMode = false;
  let width = 1;
  if (finite.length > 0) {
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (v !== Math.ceil(v)) intMode = false;
    }
    sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
    for (const v of finite) {
      const len = sciMode ? pyExponential(v, precision).length : intMode ? pyFixed(v, 0).length + 1 : pyFixed(v, precision).length;
      width = Math.max(width, len);
    }
  }
  const format = (v: number): string => {
    if (sciMode) return pad(pyExponential(v, precision), width);
    if (intMode) return pad(Number.isFinite(v) ? pyFixed(v, 0) + '.' : pyFixed(v, 0), width);
    return pad(pyFixed(v, precision), width);
  };
  return { width, format };
}

/** Python's `f"{v:.{p}f}"`: fixed notation, rounded half to even on the exact value, `nan`/`inf` spelled as Python does. */
export function pyFixed(v: number, p: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const a = Math.abs(v);
  // toFixed(100) is the exact decimal expansion of every double in fixed-notation range (>= 1e-4 has at most 66 decimals).
  const exact = a >= 1e21 ? BigInt(a).toString() + '.' + '0'.repeat(100) : a.toFixed(100);
  const point = exact.indexOf('.');
  const [digits, carry] = roundDigits(exact.slice(0, point) + exact.slice(point + 1), point + p);
  const intLen = point + (carry ? 1 : 0);
  const int = digits.slice(0, intLen);
  return sign + (p > 0 ? `${int}.${digits.slice(intLen)}` : int);
}

/** Python's `f"{v:.{p}e}"`: one digit, `p` decimals, and an exponent of at least two digits. */
export function pyExponential(v: number, p: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const exact = Math.abs(v).toExponential(100);
  const e = exact.indexOf('e');
  let exponent = Number(exact.slice(e + 1));
  const [digits, carry] = roundDigits(exact[0]! + exact.slice(2, e), p + 1);
  if (carry) exponent += 1;
  const mantissa = p > 0 ? `${digits[0]}.${digits.slice(1, p + 1)}` : digits[0]!;
  const expText = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expText}`;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/**
 * Rounds a digit string to its first `keep` digits, half to even. Returns the kept digits (one more
 * when rounding carried out of the first digit) and whether that carry happened.
 */
function roundDigits(digits: string, keep: number): [string, boolean] {
  const kept = digits.slice(0, keep).split('').map(Number);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const restZero = !/[1-9]/.test(rest);
  const last = keep > 0 ? kept[keep - 1]! : 0;
  const up = next > 5 || (next === 5 && (!restZero || last % 2 === 1));
  if (!up || Number.isNaN(next)) return [kept.join(''), false];
  let i = keep - 1;
  while (i >= 0 && kept[i] === 9) kept[i--] = 0;
  if (i >= 0) {
    kept[i]! += 1;
    return [kept.join(''), false];
  }
  return ['1' + kept.join(''), true];
}
