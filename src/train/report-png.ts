/**
 * A minimal PNG encoder for the report's sample images: 8-bit grayscale or RGB, no interlacing,
 * filter 0 on every row, the pixel data compressed with node:zlib. Small images become `data:` URIs
 * inside the HTML, so the report stays one self-contained file.
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

let crcTable: Uint32Array | null = null;

/** The CRC-32 (ISO 3309, as PNG chunks use) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes 8-bit pixels, row-major, `channels` (1: gray, 3: RGB) values per pixel, as a PNG file.
 *
 * ```ts
 * encodePng(Uint8Array.from([0, 255, 255, 0]), 2, 2, 1); // a 2x2 checkerboard
 * ```
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width} x ${height}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: expected ${width * height * channels} values for ${width} x ${height} x ${channels}, got ${pixels.length}`);
  }
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * stride, (r + 1) * stride), r * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // color type: gray or RGB
  const parts = [SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * An image given as floats (any range: [0, 1], [-1, 1], raw intensities) as a PNG data URI, scaled so
 * its smallest value is black and its largest white. `values` holds height*width gray values, or
 * 3*height*width RGB values channel-first (as a [3, H, W] tensor stores them).
 */
export function imageDataUri(values: ArrayLike<number>, height: number, width: number): string {
  const plane = height * width;
  const channels = values.length === 3 * plane ? 3 : 1;
  if (values.length !== plane * channels) {
    throw new Error(`imageDataUri: an image of ${height} x ${width} needs ${plane} (gray) or ${3 * plane} (RGB) values, got ${values.length}`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const span = hi > lo ? hi - lo : 0;
  const pixels = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      const v = values[c * plane + p]!;
      const level = !Number.isFinite(v) ? 0 : span === 0 ? 128 : Math.round(((v - lo) / span) * 255);
      pixels[p * channels + c] = level;
    }
  }
  return `data:image/png;base64,${Buffer.from(encodePng(pixels, width, height, channels as 1 | 3)).toString('base64')}`;
}
