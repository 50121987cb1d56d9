/**
 * The safetensors dtypes and how they map to Tessera's.
 *
 * Written (one safetensors dtype per Tessera dtype): float32 → F32, float64 → F64, int32 → I32,
 * bool → BOOL (one byte per element, 0 or 1).
 *
 * Read:
 * | safetensors        | Tessera  | conversion                                              |
 * |--------------------|----------|---------------------------------------------------------|
 * | F32, F64, I32      | same     | exact                                                   |
 * | BOOL               | bool     | bytes must be 0 or 1                                    |
 * | F16, BF16          | float32  | exact (every half value is a float32 value)             |
 * | U8, I8, I16, U16   | int32    | exact                                                   |
 * | I64, U64, U32      | int32    | exact; a value outside int32's range is an error        |
 * | F8_*, F6_*, F4, C64| —        | rejected: valid safetensors, but Tessera has no such type |
 *
 * Values are little-endian in the file, as the format says; big-endian hosts byte-swap.
 */

/** The dtypes Tessera reads. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** The Tessera dtype each safetensors dtype is read as. */
export const READ_AS: Readonly<Record<SafetensorsDType, 'float32' | 'float64' | 'int32' | 'bool'>> = {
  BOOL: 'bool',
  U8: 'int32',
  I8: 'int32',
  I16: 'int32',
  U16: 'int32',
  F16: 'float32',
  BF16: 'float32',
  I32: 'int32',
  U32: 'int32',
  F32: 'float32',
  F64: 'float64',
  I64: 'int32',
  U64: 'int32',
};

/** Bytes per element. */
export const ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The safetensors dtype each Tessera dtype is written as. */
export const WRITE_AS = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as const;

/** Dtypes of the format (or of its widely used extensions) that Tessera cannot represent. */
export const UNSUPPORTED = new Set(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

export function isSafetensorsDType(x: string): x is SafetensorsDType {
  return Object.hasOwn(ITEM_SIZE, x);
}

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `size`-byte element in place (big-endian hosts only). */
export function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

let halfTable: Float32Array | null = null;

/** Every float16 bit pattern's value, built on first use (256 KiB): decoding is then one lookup. */
function halfToFloat(): Float32Array {
  if (halfTable !== null) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) table[h] = sign * frac * 2 ** -24; // zero and subnormals
    else if (exp === 31) table[h] = frac === 0 ? sign * Infinity : NaN;
    else table[h] = sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  halfTable = table;
  return table;
}

/**
 * Converts the raw element bytes of a tensor (host byte order, in a buffer of their own starting
 * at offset 0, so every view is aligned) to the typed array Tessera stores. `fail(index, value)` is called for an element that does not fit; it must throw.
 */
export function decodeElements(dtype: SafetensorsDType, raw: Uint8Array, numel: number, fail: (index: number, value: string) => never): Float32Array | Float64Array | Int32Array | Uint8Array {
  const buf = raw.buffer;
  const at = raw.byteOffset;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, at, numel);
    case 'F64':
      return new Float64Array(buf, at, numel);
    case 'I32':
      return new Int32Array(buf, at, numel);
    case 'BOOL': {
      const bad = raw.findIndex((v) => v > 1);
      if (bad >= 0) fail(bad, String(raw[bad]));
      return raw;
    }
    case 'U8':
      return Int32Array.from(raw);
    case 'I8':
      return Int32Array.from(new Int8Array(buf, at, numel));
    case 'I16':
      return Int32Array.from(new Int16Array(buf, at, numel));
    case 'U16':
      return Int32Array.from(new Uint16Array(buf, at, numel));
    case 'U32': {
      const words = new Uint32Array(buf, at, numel);
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) {
        if (words[i]! > 0x7fffffff) fail(i, String(words[i]));
        out[i] = words[i]!;
      }
      return out;
    }
    case 'I64':
    case 'U64': {
      // Each element as two 32-bit words in host order: low word first on little-endian hosts.
      const words = new Int32Array(buf, at, numel * 2);
      const [lo, hi] = LITTLE_ENDIAN_HOST ? [0, 1] : [1, 0];
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) {
        const low = words[2 * i + lo]!;
        const high = words[2 * i + hi]!;
        // The value fits int32 when the high word is the sign extension of the low one.
        const fits = dtype === 'I64' ? high === low >> 31 : high === 0 && low >= 0;
        if (!fits) fail(i, (dtype === 'I64' ? new BigInt64Array(buf, at + 8 * i, 1)[0]! : new BigUint64Array(buf, at + 8 * i, 1)[0]!).toString());
        out[i] = low;
      }
      return out;
    }
    case 'F16': {
      const table = halfToFloat();
      const halves = new Uint16Array(buf, at, numel);
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = table[halves[i]!]!;
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const halves = new Uint16Array(buf, at, numel);
      const out = new Float32Array(numel);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < numel; i++) bits[i] = halves[i]! << 16;
      return out;
    }
  }
}
