/**
 * The safetensors format (https://github.com/huggingface/safetensors), as PyTorch, JAX and the
 * Hugging Face libraries read and write it:
 *
 *   [8 bytes: header length N, little-endian u64][N bytes: UTF-8 JSON header][data section]
 *
 * The header maps each tensor name to `{ "dtype": "F32", "shape": [2, 3], "data_offsets": [b, e] }`
 * (offsets into the data section) and may hold `"__metadata__": { string: string }`.
 *
 * Layout written here (byte for byte what the reference implementation, `safetensors.torch.save_file`
 * 0.8, writes for the same tensors, as a test checks; with several metadata entries their order in
 * the header may differ, since the reference keeps them in a hash map):
 * - tensors ordered by dtype, widest first (F64, F32, I32, BOOL), then by name;
 *   with no gaps between them, every tensor then starts at a multiple of its element size, so a
 *   reader can view the data in place;
 * - the header is padded with spaces so the data section starts at an 8-byte-aligned file offset;
 * - `__metadata__` first in the header, then the tensors in data order.
 * The dtype mapping (what is written, what is read and how it converts) is in safetensors-dtypes.ts.
 */
import fs from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/grad-mode.js';
import { atomicWriteFile } from './atomic.js';
import { ITEM_SIZE, LITTLE_ENDIAN_HOST, READ_AS, WRITE_AS, decodeElements, swapBytes } from './safetensors-dtypes.js';
import { parseSafetensorsHeader } from './safetensors-parse.js';

export { parseSafetensorsHeader, MAX_HEADER_BYTES, type SafetensorsEntry, type SafetensorsHeader } from './safetensors-parse.js';
export type { SafetensorsDType } from './safetensors-dtypes.js';

/** Tensors by name, as an object or a Map. */
export type NamedTensors = Record<string, Tensor> | Map<string, Tensor>;

/** What a safetensors file holds. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function entriesOf(op: string, tensors: NamedTensors): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object') throw new Error(`${op}: tensors must be an object or Map of name → Tensor, got ${tensors === null ? 'null' : typeof tensors}`);
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new Error(`${op}: tensor names must be strings, got ${typeof name}`);
    if (name === '__metadata__') throw new Error(`${op}: '__metadata__' is reserved by the format and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new Error(`${op}: '${name}' is ${t === null ? 'null' : typeof t}, not a Tensor`);
    if (t.isDisposed) throw new Error(`${op}: tensor '${name}' was disposed`);
  }
  return entries;
}

function checkMetadata(op: string, metadata: Record<string, string> | undefined): [string, string][] {
  if (metadata === undefined) return [];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new Error(`${op}: metadata must be an object of strings`);
  const entries = Object.entries(metadata);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new Error(`${op}: metadata '${key}' must be a string, got ${typeof value} (JSON.stringify it)`);
  }
  return entries;
}

/** Write order: F64, F32, I32, BOOL (the reference writer's order: by dtype, widest first). */
const DTYPE_RANK = { float64: 0, float32: 1, int32: 2, bool: 3 } as const;

/**
 * The bytes of a safetensors file holding `tensors` (any layout; views are written as their values)
 * and optional string `metadata`.
 *
 * ```ts
 * const bytes = serializeSafetensors({ weight: randn([3, 4]) }, { note: 'demo' });
 * ```
 */
export function serializeSafetensors(tensors: NamedTensors, metadata?: Record<string, string>): Uint8Array {
  const op = 'serializeSafetensors';
  const entries = entriesOf(op, tensors);
  const meta = checkMetadata(op, metadata);
  entries.sort(([na, a], [nb, b]) => DTYPE_RANK[a.dtype] - DTYPE_RANK[b.dtype] || (na < nb ? -1 : na > nb ? 1 : 0));

  // The header is assembled as text so names like "0" keep their place (object keys would reorder).
  const parts: string[] = [];
  if (meta.length > 0) parts.push(`"__metadata__":${JSON.stringify(Object.fromEntries(meta))}`);
  let offset = 0;
  const spans: number[] = [];
  for (const [name, t] of entries) {
    const dtype = WRITE_AS[t.dtype];
    const size = t.numel * ITEM_SIZE[dtype];
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape: t.shape, data_offsets: [offset, offset + size] })}`);
    spans.push(offset);
    offset += size;
  }
  const headerBytes = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(headerBytes.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + headerLength); // space padding is valid JSON whitespace
  const dataStart = 8 + headerLength;
  noGrad(() => {
    entries.forEach(([, t], i) => {
      const flat = t.contiguous();
      const values = flat.data.subarray(flat.offset, flat.offset + flat.numel);
      const target = out.subarray(dataStart + spans[i]!, dataStart + spans[i]! + values.byteLength);
      target.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      if (!LITTLE_ENDIAN_HOST) swapBytes(target, values.BYTES_PER_ELEMENT);
    });
  });
  return out;
}

/**
 * Reads the bytes of a safetensors file: its tensors (each a new tensor owning its memory; dtypes
 * converted as safetensors-dtypes.ts says) and its metadata. Malformed input throws an Error whose
 * message starts with `safetensors:` and names the problem (and the tensor).
 *
 * ```ts
 * const { tensors, metadata } = parseSafetensors(bytes);
 * ```
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsContents {
  const { entries, metadata, dataStart } = parseSafetensorsHeader(bytes);
  const tensors: [string, Tensor][] = [];
  for (const e of entries) {
    // A copy into a buffer of its own: aligned for any view, and independent of the file's bytes.
    const raw = bytes.slice(dataStart + e.begin, dataStart + e.end);
    const size = ITEM_SIZE[e.dtype];
    if (!LITTLE_ENDIAN_HOST && size > 1) swapBytes(raw, size);
    const numel = raw.length / size;
    const values = decodeElements(e.dtype, raw, numel, (index, value) => {
      throw new Error(`safetensors: tensor '${e.name}': element ${index} is ${value}, which ${e.dtype === 'BOOL' ? 'is not a valid BOOL (0 or 1)' : `does not fit int32 (${e.dtype} is read as int32)`}`);
    });
    tensors.push([e.name, fromArray(values, e.shape, READ_AS[e.dtype])]);
  }
  return { tensors: Object.fromEntries(tensors), metadata };
}

/**
 * Writes `tensors` (and string `metadata`) to a safetensors file, atomically: a crash leaves
 * either the old file or the new one.
 *
 * ```ts
 * saveSafetensors('model.safetensors', model.stateDict(), { format: 'pt' });
 * ```
 */
export function saveSafetensors(path: string, tensors: NamedTensors, metadata?: Record<string, string>): void {
  atomicWriteFile(path, serializeSafetensors(tensors, metadata));
}

/**
 * Reads a safetensors file (from Tessera, PyTorch's `safetensors.torch.save_file`, Hugging Face...).
 *
 * ```ts
 * const { tensors, metadata } = loadSafetensors('model.safetensors');
 * model.loadStateDict(tensors);
 * ```
 */
export function loadSafetensors(path: string): SafetensorsContents {
  if (typeof path !== 'string') throw new Error(`loadSafetensors: path must be a string, got ${typeof path}`);
  const bytes = fs.readFileSync(path);
  const file = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return parseSafetensors(file);
  } catch (e) {
    const err = e as Error;
    err.message = err.message.replace(/^safetensors:/, `safetensors: ${path}:`);
    throw err;
  }
}
