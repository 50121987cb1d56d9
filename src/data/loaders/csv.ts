/**
 * CSV tables to tensors: a header, typed columns (numbers, or categories encoded as indices with a
 * saved vocabulary), missing values (NaN, or filled by mean / median / most frequent / a constant,
 * or rows dropped), and an optional target column. Everything learned from one file (types,
 * vocabularies, fill values) is returned as a plain-JSON `schema`; pass it when loading another split
 * so the same preprocessing applies:
 *
 * ```ts
 * const train = loadCsv('train.csv', { target: 'species', fill: 'median' });
 * const test = loadCsv('test.csv', { schema: train.schema });
 * ```
 */
import type { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import { TensorDataset } from '../dataset.js';
import { IndexEncoder, sortCategories, type Category } from '../tabular.js';
import { parseCsv, type CsvParseOptions, type CsvRecord } from './csv-parse.js';
import { readBytes } from './files.js';

export type ColumnType = 'number' | 'category';

/** How a column's missing values are handled: kept as NaN, filled, or their rows dropped. */
export type FillStrategy = 'nan' | 'mean' | 'median' | 'mostFrequent' | 'drop' | { constant: number | string };

/** What loading one file learned, as plain JSON, to apply to other files. */
export interface CsvSchema {
  /** Feature columns, in the order of the features tensor's columns. */
  columns: string[];
  target: string | null;
  types: Record<string, ColumnType>;
  /** Each category column's vocabulary: value k is encoded as k. */
  categories: Record<string, Category[]>;
  /** The value each column's missing entries became (a category value for category columns); null: NaN. */
  fills: Record<string, number | string | null>;
}

export interface CsvOptions extends CsvParseOptions {
  /** true (default): the first record names the columns; false: columns are named '0', '1', ...; or the names. */
  header?: boolean | readonly string[];
  /** The target column (name or index), returned separately. */
  target?: string | number;
  /** Feature columns to keep, in order (names or indices). Default: every column but the target. */
  columns?: readonly (string | number)[];
  /** Column types; the others are inferred ('number' when every present value is a number). */
  types?: Record<string, ColumnType>;
  /** Values read as missing (compared after trimming spaces). Default '', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None'. */
  missing?: readonly string[];
  /** Missing-value handling for every column, or per column name. Default 'nan' (category columns too). */
  fill?: FillStrategy | Record<string, FillStrategy>;
  /** Reuse the columns, types, vocabularies and fill values learned from another file. */
  schema?: CsvSchema;
  /** A category value not in a given vocabulary: an error (default) or treated as missing. */
  unknownCategories?: 'error' | 'missing';
  /** Features dtype (default float32). */
  dtype?: 'float32' | 'float64';
  /** Target dtype for a number column (default float32); category targets are int32 indices. */
  targetDtype?: 'float32' | 'float64' | 'int32';
}

export interface CsvData {
  /** [rows, columns.length]; category columns hold their indices. */
  features: Tensor;
  /** [rows], when a target column was chosen. */
  target?: Tensor;
  columns: string[];
  targetName?: string;
  /** An encoder per category column (features and target), e.g. to decode predicted classes. */
  encoders: Record<string, IndexEncoder>;
  schema: CsvSchema;
  /** Rows dropped for missing values (fill 'drop'). */
  droppedRows: number;
}

const DEFAULT_MISSING = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None'];
const STRATEGIES = ['nan', 'mean', 'median', 'mostFrequent', 'drop'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a CSV value spells, or null (decimal and exponent forms, inf / Infinity; not hex or ''). */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (NUMBER.test(t)) return Number(t);
  const inf = /^([+-]?)(inf|infinity)$/i.exec(t);
  return inf === null ? null : inf[1] === '-' ? -Infinity : Infinity;
}

/** One column's present values and where each row came from, for error messages. */
interface Column {
  name: string;
  index: number;
  values: string[];
  missing: boolean[];
  /** Each present value read as a number, or null where it is not one (parsed once, used thrice). */
  numbers: (number | null)[];
}

/**
 * Turns CSV text into tensors (see the file comment and CsvOptions). `name` appears in errors.
 *
 * ```ts
 * const { features, target, columns } = csvFromString('x,y,label\n1,2,a\n3,NA,b\n', { target: 'label' });
 * ```
 */
export function csvFromString(text: string, options: CsvOptions = {}, name = 'CSV text', op = 'csvFromString'): CsvData {
  const fail = (msg: string, line?: number, column?: string): Error =>
    new Error(`${op}: ${name}${line !== undefined ? ` line ${line}` : ''}${column !== undefined ? `, column '${column}'` : ''}: ${msg}`);
  let records: CsvRecord[];
  try {
    records = parseCsv(text, options);
  } catch (e) {
    throw fail((e as Error).message.replace(/^parseCsv: /, ''));
  }
  const headerOpt = options.header ?? true;
  let names: string[];
  if (headerOpt === true) {
    const head = records.shift();
    if (head === undefined) throw fail('is empty; expected a header line');
    names = head.fields.map((f) => f.trim());
  } else if (headerOpt === false) {
    names = (records[0]?.fields ?? []).map((_, j) => String(j));
  } else {
    if (!Array.isArray(headerOpt)) throw fail(`header must be true, false or an array of column names, got ${JSON.stringify(headerOpt)}`);
    names = [...headerOpt];
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw fail(`the column name '${n}' appears twice in the header`);
    seen.add(n);
  }
  for (const r of records) {
    if (r.fields.length !== names.length) throw fail(`has ${r.fields.length} fields, expected ${names.length} (${names.join(', ')})`, r.line);
  }
  const resolve = (c: string | number, what: string): number => {
    const j = typeof c === 'number' ? (Number.isInteger(c) && c >= 0 && c < names.length ? c : -1) : names.indexOf(c);
    if (j < 0) throw fail(`${what} ${JSON.stringify(c)} is not a column (columns: ${names.join(', ')})`);
    return j;
  };
  const schema = options.schema;
  const targetSpec = options.target ?? schema?.target ?? undefined;
  const targetIndex = targetSpec === undefined || targetSpec === null ? -1 : resolve(targetSpec, 'target');
  const featureIndices = (options.columns ?? schema?.columns ?? names.filter((_, j) => j !== targetIndex)).map((c) => resolve(c, 'column'));
  if (featureIndices.includes(targetIndex)) throw fail(`the target '${names[targetIndex]}' is also listed in columns`);

  const missingSet = new Set(options.missing ?? DEFAULT_MISSING);
  const column = (j: number): Column => {
    const values = records.map((r) => r.fields[j]!.trim());
    const missing = values.map((v) => missingSet.has(v));
    return { name: names[j]!, index: j, values, missing, numbers: values.map((v, i) => (missing[i] ? null : parseNumber(v))) };
  };
  const used = [...featureIndices, ...(targetIndex >= 0 ? [targetIndex] : [])].map(column);
  const strategyOf = (col: string): FillStrategy => fillStrategy(options.fill, col, fail);
  // Per-column options must name loaded columns (a typo would otherwise be ignored silently).
  const loaded = new Set(used.map((c) => c.name));
  const perColumn = (what: string, o: object | undefined): void => {
    for (const key of Object.keys(o ?? {})) if (!loaded.has(key)) throw fail(`${what} names '${key}', which is not a loaded column (loaded: ${[...loaded].join(', ')})`);
  };
  perColumn('types', options.types);
  if (typeof options.fill === 'object' && !isStrategy(options.fill)) perColumn('fill', options.fill);

  // Types: given by the schema or options, else 'number' when every present value is one.
  const types: Record<string, ColumnType> = {};
  for (const c of used) {
    const given = schema?.types[c.name] ?? options.types?.[c.name];
    if (given !== undefined && given !== 'number' && given !== 'category') throw fail(`type must be 'number' or 'category', got ${JSON.stringify(given)}`, undefined, c.name);
    types[c.name] = given ?? (c.numbers.every((x, i) => c.missing[i] || x !== null) ? 'number' : 'category');
  }

  // Values as numbers (category columns: their vocabulary index), NaN where missing.
  const encoders: Record<string, IndexEncoder> = {};
  const numeric = new Map<string, Float64Array>();
  for (const c of used) {
    const out = new Float64Array(records.length).fill(NaN);
    if (types[c.name] === 'number') {
      c.values.forEach((v, i) => {
        if (c.missing[i]) return;
        const x = c.numbers[i];
        if (x === null) throw fail(`cannot read ${JSON.stringify(v)} as a number (the column is typed 'number'; list the value in missing or type the column 'category')`, records[i]!.line, c.name);
        out[i] = x;
      });
    } else {
      const allNumbers = c.numbers.every((x, i) => c.missing[i] || x !== null);
      // Numbers when every present value is one, so '10' sorts after '9'.
      const asCategory = (v: string, i: number): Category => (allNumbers ? c.numbers[i]! : v);
      const vocabulary = schema?.categories[c.name];
      const encoder = new IndexEncoder({ handleUnknown: 'useUnknownValue' });
      if (vocabulary !== undefined) encoder.loadStateDict({ categories: vocabulary, handleUnknown: 'useUnknownValue', unknownValue: -1 });
      else encoder.fit(c.values.map(asCategory).filter((_, i) => !c.missing[i]));
      c.values.forEach((v, i) => {
        if (c.missing[i]) return;
        const k = encoder.encode(asCategory(v, i));
        if (k >= 0) out[i] = k;
        else if (options.unknownCategories === 'missing') c.missing[i] = true;
        else throw fail(`unknown category ${JSON.stringify(v)} (not in the vocabulary of ${encoder.size}; pass unknownCategories: 'missing' to treat it as missing)`, records[i]!.line, c.name);
      });
      encoder.handleUnknown = 'error';
      encoders[c.name] = encoder;
    }
    numeric.set(c.name, out);
  }

  // Rows to keep: 'drop' columns must be present; the target must be present.
  const keep: number[] = [];
  for (let i = 0; i < records.length; i++) {
    let ok = true;
    for (const c of used) {
      if (!c.missing[i]) continue;
      if (strategyOf(c.name) === 'drop') ok = false;
      else if (c.index === targetIndex) throw fail(`the target is missing (${JSON.stringify(records[i]!.fields[c.index])}); pass fill: { '${c.name}': 'drop' } to skip such rows`, records[i]!.line, c.name);
    }
    if (ok) keep.push(i);
  }

  // Fill values for the feature columns, from the schema or computed on the kept rows.
  const fills: Record<string, number | string | null> = {};
  const features = new Float64Array(keep.length * featureIndices.length);
  used.slice(0, featureIndices.length).forEach((c, j) => {
    const values = numeric.get(c.name)!;
    const kept = keep.map((i) => values[i]!);
    const fromSchema = schema?.fills[c.name];
    const strategy = strategyOf(c.name);
    let fill: number | string | null;
    if (strategy === 'drop' || fromSchema === undefined) fill = fillValue(c.name, types[c.name]!, strategy, kept, encoders[c.name], fail);
    else fill = fromSchema;
    fills[c.name] = fill;
    const filler = fill === null ? NaN : types[c.name] === 'category' ? encodeFill(c.name, fill, encoders[c.name]!, fail) : Number(fill);
    kept.forEach((v, r) => {
      features[r * featureIndices.length + j] = Number.isNaN(v) ? filler : v;
    });
  });

  const dtype = options.dtype ?? 'float32';
  const result: CsvData = {
    features: fromArray(dtype === 'float64' ? features : Float32Array.from(features), [keep.length, featureIndices.length], dtype),
    columns: featureIndices.map((j) => names[j]!),
    encoders,
    schema: {
      columns: featureIndices.map((j) => names[j]!),
      target: targetIndex >= 0 ? names[targetIndex]! : null,
      types,
      categories: Object.fromEntries(Object.entries(encoders).map(([k, e]) => [k, [...e.categories!]])),
      fills,
    },
    droppedRows: records.length - keep.length,
  };
  if (targetIndex >= 0) {
    const t = used[used.length - 1]!;
    const values = keep.map((i) => numeric.get(t.name)![i]!);
    const targetDtype = types[t.name] === 'category' ? 'int32' : options.targetDtype ?? 'float32';
    if (targetDtype === 'int32') {
      const bad = values.findIndex((v) => !Number.isInteger(v) || Math.abs(v) > 2147483647);
      if (bad >= 0) throw fail(`targetDtype 'int32' needs integer targets, got ${records[keep[bad]!]!.fields[t.index]}`, records[keep[bad]!]!.line, t.name);
    }
    const array = targetDtype === 'int32' ? Int32Array.from(values) : targetDtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    result.target = fromArray(array, [keep.length], targetDtype);
    result.targetName = t.name;
  }
  return result;
}

/** True for one strategy (as opposed to an object of strategies per column). */
function isStrategy(s: unknown): s is FillStrategy {
  if (typeof s === 'string') return STRATEGIES.includes(s);
  if (typeof s !== 'object' || s === null || Object.keys(s).length !== 1) return false;
  const constant = (s as { constant?: unknown }).constant;
  return typeof constant === 'number' || typeof constant === 'string';
}

function fillStrategy(fill: CsvOptions['fill'], column: string, fail: (m: string) => Error): FillStrategy {
  if (fill === undefined) return 'nan';
  if (isStrategy(fill)) return fill;
  if (typeof fill !== 'object' || fill === null) throw fail(`fill must be one of ${STRATEGIES.join(', ')}, { constant: value }, or an object of them per column, got ${JSON.stringify(fill)}`);
  const s = (fill as Record<string, unknown>)[column];
  if (s === undefined) return 'nan';
  if (!isStrategy(s)) throw fail(`fill for column '${column}' must be one of ${STRATEGIES.join(', ')} or { constant: value }, got ${JSON.stringify(s)}`);
  return s;
}

/** The value missing entries of a column get (null: NaN); category columns give a category value. */
function fillValue(
  name: string, type: ColumnType, strategy: FillStrategy, values: number[], encoder: IndexEncoder | undefined, fail: (m: string, l?: number, c?: string) => Error,
): number | string | null {
  if (strategy === 'nan' || strategy === 'drop') return null;
  if (typeof strategy === 'object') return strategy.constant;
  const present = values.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return null;
  if (strategy === 'mostFrequent') {
    const counts = new Map<number, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    // Ties go to the smallest value (the first category in the vocabulary).
    const best = sortCategories(counts.keys()).reduce((a, b) => (counts.get(b as number)! > counts.get(a as number)! ? b : a)) as number;
    return type === 'category' ? encoder!.decode(best) : best;
  }
  if (type === 'category') throw fail(`fill '${strategy}' needs a number column; use 'mostFrequent' or { constant } for categories`, undefined, name);
  if (strategy === 'mean') return present.reduce((a, b) => a + b, 0) / present.length;
  const sorted = Float64Array.from(present).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function encodeFill(name: string, fill: number | string, encoder: IndexEncoder, fail: (m: string, l?: number, c?: string) => Error): number {
  const numericVocabulary = encoder.categories!.some((c) => typeof c === 'number');
  const value = numericVocabulary && typeof fill === 'string' && parseNumber(fill) !== null ? parseNumber(fill)! : fill;
  const k = encoder.categories!.indexOf(value);
  if (k < 0) throw fail(`the fill value ${JSON.stringify(fill)} is not one of the column's categories`, undefined, name);
  return k;
}

/**
 * Reads a CSV file into tensors (see the file comment and CsvOptions).
 *
 * ```ts
 * const { features, target, encoders } = loadCsv('iris.csv', { target: 'species' });
 * encoders.species.decode(0); // 'setosa'
 * ```
 */
export function loadCsv(path: string, options: CsvOptions = {}): CsvData {
  const text = new TextDecoder('utf-8').decode(readBytes('loadCsv', path));
  return csvFromString(text, options, `'${path}'`, 'loadCsv');
}

/**
 * A CSV file as a TensorDataset: items `[features [F], target]` (or `[features]` without a target).
 *
 * ```ts
 * const ds = csvDataset('train.csv', { target: 'label', fill: 'mean' });
 * const loader = new DataLoader(ds, { batchSize: 32, shuffle: true });
 * ```
 */
export function csvDataset(path: string, options: CsvOptions = {}): TensorDataset {
  const data = loadCsv(path, options);
  return data.target === undefined ? new TensorDataset(data.features) : new TensorDataset(data.features, data.target);
}
