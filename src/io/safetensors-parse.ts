/**
 * Reading and validating a safetensors header. Every check happens before any tensor memory is
 * allocated, and every allocation is bounded by the file's size, so a hostile or damaged file gives
 * an error that starts with `safetensors:` and says what is wrong, never a crash or a huge
 * allocation.
 */
import { ITEM_SIZE, UNSUPPORTED, isSafetensorsDType, type SafetensorsDType } from './safetensors-dtypes.js';

/** The largest header accepted: 100 MB (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor of the header, validated. `begin`/`end` are offsets into the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed header: the tensors in file order, the metadata, and where the data section starts. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === 'number') return `the number ${x}`;
  return typeof x === 'object' ? 'an object' : typeof x;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Validates the framing and header of a safetensors file held in `bytes` and returns its tensors
 * (sorted by data offset) and metadata.
 *
 * ```ts
 * const { entries } = parseSafetensorsHeader(fs.readFileSync('model.safetensors'));
 * for (const e of entries) console.log(e.name, e.dtype, e.shape);
 * ```
 */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) fail(`the file is ${bytes.length} byte(s) long, shorter than the 8-byte header length that starts every file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) fail(`the header length is ${headerLength} bytes, more than the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`);
  if (8 + headerLength > bytes.length) fail(`the header length is ${headerLength} bytes, but only ${bytes.length - 8} bytes follow the length field (truncated file?)`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail(`the header must be a JSON object, got ${describe(header)}`);
  checkDuplicateKeys(text);

  const dataLength = bytes.length - 8 - headerLength;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value, dataLength));
  }
  checkCoverage(entries, dataLength);
  return { entries, metadata, dataStart: 8 + headerLength };
}

function checkMetadata(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (!isPlainObject(value)) fail(`__metadata__ must be an object of strings, got ${describe(value)}`);
  const out: [string, string][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`__metadata__ entry '${key}' must be a string, got ${describe(v)}`);
    out.push([key, v]);
  }
  return Object.fromEntries(out); // keeps a key named __proto__ as data
}

function checkEntry(name: string, value: unknown, dataLength: number): SafetensorsEntry {
  const where = `tensor '${name}'`;
  if (!isPlainObject(value)) fail(`${where}: expected an object { dtype, shape, data_offsets }, got ${describe(value)}`);
  for (const field of ENTRY_FIELDS) if (!Object.hasOwn(value, field)) fail(`${where}: missing field '${field}'`);
  for (const field of Object.keys(value)) if (!ENTRY_FIELDS.includes(field)) fail(`${where}: unexpected field '${field}' (expected dtype, shape, data_offsets)`);

  const dtype = value['dtype'];
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string, got ${describe(dtype)}`);
  if (UNSUPPORTED.has(dtype)) fail(`${where}: dtype ${dtype} is not supported (Tessera reads BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64)`);
  if (!isSafetensorsDType(dtype)) fail(`${where}: unknown dtype ${JSON.stringify(dtype)}`);

  const shape = value['shape'];
  if (!Array.isArray(shape)) fail(`${where}: shape must be an array of integers, got ${describe(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`${where}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
  });
  const dims = shape as number[];
  // Dims are safe integers, but their product may not be: any zero makes it 0 (Infinity * 0 is NaN).
  const numel = dims.includes(0) ? 0 : dims.reduce((a, b) => a * b, 1);
  const byteSize = numel * ITEM_SIZE[dtype];
  if (!Number.isSafeInteger(byteSize)) fail(`${where}: shape [${dims.join(', ')}] is too large`);

  const offsets = value['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2) fail(`${where}: data_offsets must be an array [begin, end], got ${describe(offsets)}`);
  offsets.forEach((o, i) => {
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) fail(`${where}: data_offsets[${i}] must be a non-negative integer, got ${describe(o)}`);
  });
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end - begin !== byteSize) {
    fail(`${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} with shape [${dims.join(', ')}] needs ${byteSize}`);
  }
  if (end > dataLength) fail(`${where}: data_offsets [${begin}, ${end}] go past the end of the data section (${dataLength} bytes; truncated file?)`);
  return { name, dtype, shape: [...dims], begin, end };
}

/** The tensors must tile the data section exactly: no gap, no overlap, nothing after the last. */
function checkCoverage(entries: SafetensorsEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of entries) {
    if (e.begin < expected) fail(`tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' [${previous!.begin}, ${previous!.end}]`);
    if (e.begin > expected) {
      const after = previous === null ? 'the start of the data section' : `tensor '${previous.name}' (which ends at ${expected})`;
      fail(`tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - expected} byte(s) after ${after}`);
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength) {
    fail(`the tensors cover ${expected} byte(s) of the data section, but it holds ${dataLength} (extra bytes at the end of the file?)`);
  }
}

/**
 * JSON.parse keeps the last of two equal keys silently; a file with two tensors of one name is
 * ambiguous, so the (already valid) header text is scanned for keys repeated within one object.
 * The scan is iterative: deeply nested input cannot overflow the stack.
 */
function checkDuplicateKeys(text: string): void {
  interface Frame {
    keys: Set<string> | null; // null for arrays
    owner: string | null; // the key this object is stored under (null at the top)
    lastKey: string | null;
  }
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          if (stack.length === 1) fail(key === '__metadata__' ? 'the header has two __metadata__ entries' : `duplicate tensor name '${key}' in the header`);
          if (stack.length === 2 && top.owner === '__metadata__') fail(`__metadata__ has two entries named '${key}'`);
          fail(`tensor '${stack[1]?.owner ?? top.owner}': duplicate key '${key}'`);
        }
        top.keys.add(key);
        top.lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), owner: stack[stack.length - 1]?.lastKey ?? null, lastKey: null });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, owner: stack[stack.length - 1]?.lastKey ?? null, lastKey: null });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1]?.keys != null;
    }
  }
}
