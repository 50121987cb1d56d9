/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a version, a little-endian
 * header length, a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
 * padded with spaces to a 64-byte boundary, then the raw values.
 */
import { writeFileSync } from 'node:fs';
import { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { alignedCopy, readBytes } from './files.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** What each supported descr kind+size reads as. */
const KINDS: Record<string, { dtype: DType; read: (v: DataView, at: number, le: boolean) => number | bigint }> = {
  f2: { dtype: 'float32', read: (v, at, le) => halfToFloat(v.getUint16(at, le)) },
  f4: { dtype: 'float32', read: (v, at, le) => v.getFloat32(at, le) },
  f8: { dtype: 'float64', read: (v, at, le) => v.getFloat64(at, le) },
  i1: { dtype: 'int32', read: (v, at) => v.getInt8(at) },
  i2: { dtype: 'int32', read: (v, at, le) => v.getInt16(at, le) },
  i4: { dtype: 'int32', read: (v, at, le) => v.getInt32(at, le) },
  i8: { dtype: 'int32', read: (v, at, le) => v.getBigInt64(at, le) },
  u1: { dtype: 'int32', read: (v, at) => v.getUint8(at) },
  u2: { dtype: 'int32', read: (v, at, le) => v.getUint16(at, le) },
  u4: { dtype: 'int32', read: (v, at, le) => v.getUint32(at, le) },
  u8: { dtype: 'int32', read: (v, at, le) => v.getBigUint64(at, le) },
  b1: { dtype: 'bool', read: (v, at) => (v.getUint8(at) !== 0 ? 1 : 0) },
};

/** The parsed header of a .npy file. */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
}

/**
 * Decodes .npy bytes. float16/32 become float32, float64 stays; int8/16/32, uint8/16 become int32;
 * int64, uint32 and uint64 become int32 when every value fits (else an error names the value);
 * bool stays bool. Fortran-ordered arrays are read into C order.
 *
 * ```ts
 * const t = parseNpy(readFileSync('weights.npy'));
 * ```
 */
export function parseNpy(bytes: Uint8Array, name = 'NPY data'): Tensor {
  const op = 'parseNpy';
  const header = parseNpyHeader(bytes, name);
  const { descr, fortranOrder, shape, dataOffset } = header;
  const order = descr[0]!;
  const code = descr.slice(1);
  const kind = KINDS[code];
  if (!['<', '>', '|', '='].includes(order) || kind === undefined) {
    throw new Error(`${op}: ${name} has dtype '${descr}', which is not supported (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool; structured, complex and string arrays are not)`);
  }
  const itemBytes = Number(code.slice(1));
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * itemBytes;
  const found = bytes.length - dataOffset;
  if (found < needed) throw new Error(`${op}: ${name} is truncated: shape (${shape.join(', ')}) of '${descr}' needs ${needed} bytes of data, the file has ${found}`);
  if (found > needed) throw new Error(`${op}: ${name} has a size mismatch: shape (${shape.join(', ')}) of '${descr}' needs ${needed} bytes of data, the file has ${found}`);
  const littleEndian = order !== '>';
  const values = readValues(op, name, bytes, dataOffset, count, itemBytes, code, kind, littleEndian);
  if (!fortranOrder || shape.length < 2) return fromArray(values, shape, kind.dtype);
  // Fortran order stores the transpose's C order: read with the dims reversed, then reverse them back.
  const reversed = [...shape].reverse();
  const dims = reversed.map((_, i) => reversed.length - 1 - i);
  return fromArray(values, reversed, kind.dtype).permute(dims).contiguous();
}

function readValues(
  op: string, name: string, bytes: Uint8Array, offset: number, count: number, itemBytes: number,
  code: string, kind: (typeof KINDS)[string], littleEndian: boolean,
): TypedArray {
  // The common little-endian cases copy the bytes straight into a typed array.
  if (littleEndian && (code === 'f4' || code === 'f8' || code === 'i4')) {
    const buffer = alignedCopy(bytes, offset, count * itemBytes);
    return code === 'f4' ? new Float32Array(buffer) : code === 'f8' ? new Float64Array(buffer) : new Int32Array(buffer);
  }
  if (code === 'b1' || code === 'u1') {
    const out = code === 'b1' ? new Uint8Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = code === 'b1' ? (bytes[offset + i] !== 0 ? 1 : 0) : bytes[offset + i]!;
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = kind.dtype === 'float32' ? new Float32Array(count) : kind.dtype === 'float64' ? new Float64Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = kind.read(view, offset + i * itemBytes, littleEndian);
    if (kind.dtype === 'int32' && (v < INT32_MIN || v > INT32_MAX)) {
      throw new Error(`${op}: ${name} holds ${v} at flat index ${i}, outside int32's range; '${code}' data is read as int32 only when every value fits`);
    }
    out[i] = Number(v);
  }
  return out;
}

/** Reads and checks the magic, version and header dict of .npy bytes. */
export function parseNpyHeader(bytes: Uint8Array, name = 'NPY data'): NpyHeader {
  const op = 'parseNpy';
  if (bytes.length < 10) throw new Error(`${op}: ${name} is truncated: ${bytes.length} bytes, too short for an NPY header`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${op}: ${name} is not an NPY file (it does not start with \\x93NUMPY)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`${op}: ${name} is truncated: ${bytes.length} bytes, too short for an NPY ${major}.0 header`);
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new Error(`${op}: ${name} has NPY format version ${major}.${bytes[7]}, expected 1.0, 2.0 or 3.0`);
  }
  if (bytes.length < start + headerLength) throw new Error(`${op}: ${name} is truncated: its header declares ${headerLength} bytes, the file has ${bytes.length - start} after the preamble`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const dict = parseHeaderDict(op, name, text);
  return { ...dict, dataOffset: start + headerLength };
}

/** Reads the three keys of the header's Python dict literal, without evaluating anything. */
function parseHeaderDict(op: string, name: string, text: string): Omit<NpyHeader, 'dataOffset'> {
  const bad = (why: string): Error => new Error(`${op}: ${name} has a malformed header (${why}): ${JSON.stringify(text.trim())}`);
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw bad('not a dict');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(body);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(body);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(body);
  if (descr === null) throw bad("no 'descr' string");
  if (fortran === null) throw bad("no 'fortran_order' True/False");
  if (shape === null) throw bad("no 'shape' tuple");
  const dims = shape[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => s.replace(/L$/, ''));
  if (!dims.every((s) => /^\d+$/.test(s))) throw bad(`shape (${shape[1]}) is not a tuple of non-negative integers`);
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: dims.map(Number) };
}

/**
 * Reads a .npy file into a tensor (see `parseNpy` for the dtypes).
 *
 * ```ts
 * const x = loadNpy('features.npy');
 * ```
 */
export function loadNpy(path: string): Tensor {
  const bytes = readBytes('loadNpy', path);
  try {
    return parseNpy(bytes, `'${path}'`);
  } catch (e) {
    throw new Error(`loadNpy: ${(e as Error).message.replace(/^parseNpy: /, '')}`);
  }
}

const DESCR: Record<DType, string> = { float32: '<f4', float64: '<f8', int32: '<i4', bool: '|b1' };

/**
 * The .npy bytes of a tensor (version 1.0, or 2.0 when the header needs more than 65,535 bytes),
 * C order, little-endian: float32 as '<f4', float64 '<f8', int32 '<i4', bool '|b1'.
 */
export function serializeNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new Error(`serializeNpy: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The header (preamble + dict + padding + '\n') ends on a 64-byte boundary so the data is aligned.
  let preamble = 10;
  if (dict.length + 1 + preamble > 0xffff) preamble = 12;
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const headerLength = total - preamble;
  const values = t.toArray();
  const out = new Uint8Array(total + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = preamble === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (preamble === 10) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  // Typed arrays are in the host's byte order, little-endian on every platform Node supports.
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), total);
  return out;
}

/**
 * Writes a tensor as a .npy file that `numpy.load` reads.
 *
 * ```ts
 * saveNpy('out.npy', model.stateDict()['fc.weight']);
 * ```
 */
export function saveNpy(path: string, t: Tensor): void {
  const bytes = serializeNpy(t);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new Error(`saveNpy: cannot write '${path}': ${(e as Error).message}`);
  }
}

/** IEEE half precision bits to a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
