/** File reading shared by the loaders: errors that name the calling function and the file. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The bytes of `path`, or an error like `loadIdx: cannot read 'x.idx': no such file or directory`. */
export function readBytes(op: string, path: string): Uint8Array {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${op}: cannot read '${path}': ${reason(e)}`);
  }
}

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips `bytes` when they are gzipped (by their magic number, not the file name); else returns them. */
export function maybeGunzip(op: string, bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${op}: ${name} looks gzipped (starts with 1f 8b) but cannot be decompressed: ${reason(e)}`);
  }
}

/** A readable reason from a thrown value (Node's fs errors carry a code and a long message). */
export function reason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EISDIR') return 'it is a directory';
    if (code === 'EACCES') return 'permission denied';
    return e.message;
  }
  return String(e);
}

/**
 * A copy of `length` bytes at `offset` in a fresh ArrayBuffer, so typed arrays over it are aligned
 * (a Buffer from readFileSync may start at any offset inside Node's shared pool).
 */
export function alignedCopy(bytes: Uint8Array, offset: number, length: number): ArrayBuffer {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(offset, offset + length));
  return out.buffer;
}
