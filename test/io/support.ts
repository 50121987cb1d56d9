/** Helpers for the io tests: hand-built safetensors files and temporary directories. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file from header text (any bytes, not necessarily JSON) and data bytes; `headerLength` overrides the length field. */
export function buildFile(header: string | Uint8Array, data: ArrayLike<number> = [], headerLength?: number | bigint): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? h.length), true);
  out.set(h, 8);
  out.set(Array.from(data), 8 + h.length);
  return out;
}

/** A header from an object (key order kept as written). */
export function headerOf(entries: Record<string, unknown>): string {
  return JSON.stringify(entries);
}

/** Little-endian bytes of values in a typed array type. */
export function bytesOf(values: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-io-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
