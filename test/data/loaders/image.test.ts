import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { encode as encodeJpeg } from 'jpeg-js';
import { data, nn, tensor } from '../../../src/index.js';
import { assertClose, uniform } from '../../helpers.js';

const { decodeImage, loadImage, resizeImage, imageFormat } = data;

const dir = mkdtempSync(join(tmpdir(), 'tessera-image-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** PNG bytes of an RGBA image given as [r, g, b, a] per pixel, row by row. */
function png(width: number, height: number, pixels: number[][], options: { colorType?: 0 | 2 | 4 | 6 } = {}): Uint8Array {
  const bytes = Buffer.from(pixels.flat());
  return PNG.sync.write({ width, height, data: bytes } as PNG, { colorType: options.colorType ?? 6, inputColorType: 6 });
}

/** A one-row 16-bit grayscale PNG: signature, IHDR, one IDAT (filter 0), IEND. */
function gray16Png(samples: number[]): Uint8Array {
  const chunk = (type: string, body: Uint8Array): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(samples.length, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([16, 0, 0, 0, 0], 8); // depth 16, grayscale, deflate, filter 0, no interlace
  const row = Buffer.alloc(1 + 2 * samples.length);
  samples.forEach((v, i) => row.writeUInt16BE(v, 1 + 2 * i));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(row)), chunk('IEND', Buffer.alloc(0))]);
}

function jpeg(width: number, height: number, pixels: number[][]): Uint8Array {
  return encodeJpeg({ width, height, data: Buffer.from(pixels.flat()) }, 100).data;
}

test('decodeImage reads an RGBA PNG to [3, H, W] in [0, 1], with grayscale and alpha options', () => {
  // 2 x 2: red, green / blue, half-transparent white.
  const bytes = png(2, 2, [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 128]]);
  assert.equal(imageFormat(bytes), 'png');
  const rgb = decodeImage(bytes);
  assert.deepEqual(rgb.shape, [3, 2, 2]);
  assert.equal(rgb.dtype, 'float32');
  assertClose(rgb, [[[1, 0], [0, 1]], [[0, 1], [0, 1]], [[0, 0], [1, 1]]]);
  const rgba = decodeImage(bytes, { alpha: true });
  assert.deepEqual(rgba.shape, [4, 2, 2]);
  assertClose(rgba.select(0, 3), [[1, 1], [1, 128 / 255]]);
  // Luma 0.299 R + 0.587 G + 0.114 B.
  const gray = decodeImage(bytes, { grayscale: true });
  assert.deepEqual(gray.shape, [1, 2, 2]);
  assertClose(gray, [[[0.299, 0.587], [0.114, 1]]]);
  const grayAlpha = decodeImage(bytes, { grayscale: true, alpha: true });
  assert.deepEqual(grayAlpha.shape, [2, 2, 2]);
});

test('grayscale and 16-bit PNGs keep their values', () => {
  const gray8 = png(3, 1, [[0, 0, 0, 255], [51, 51, 51, 255], [255, 255, 255, 255]], { colorType: 0 });
  assertClose(decodeImage(gray8), [[[0, 0.2, 1]], [[0, 0.2, 1]], [[0, 0.2, 1]]]);
  assertClose(decodeImage(gray8, { grayscale: true }), [[[0, 0.2, 1]]]);
  // A 16-bit grayscale PNG written by hand: the samples keep all 16 bits (1000 / 65535, not 3 / 255).
  assertClose(decodeImage(gray16Png([0, 1000, 65535]), { grayscale: true }), [[[0, 1000 / 65535, 1]]]);
});

test('decodeImage reads JPEG (lossy: flat blocks within 3/255)', () => {
  // 16 x 8: the left 8 x 8 block one color, the right block another (JPEG codes 8 x 8 blocks).
  const pixels = Array.from({ length: 128 }, (_, i) => (i % 16 < 8 ? [200, 40, 10, 255] : [20, 90, 240, 255]));
  const bytes = jpeg(16, 8, pixels);
  assert.equal(imageFormat(bytes), 'jpeg');
  const img = decodeImage(bytes);
  assert.deepEqual(img.shape, [3, 8, 16]);
  const at = (y: number, x: number) => img.select(2, x).select(1, y);
  assertClose(at(3, 2), [200 / 255, 40 / 255, 10 / 255], { atol: 3 / 255, rtol: 0 });
  assertClose(at(5, 13), [20 / 255, 90 / 255, 240 / 255], { atol: 3 / 255, rtol: 0 });
  const gray = decodeImage(bytes, { grayscale: true, size: [4, 8] });
  assert.deepEqual(gray.shape, [1, 4, 8]);
  assertClose(gray.select(2, 1).reshape(-1).slice(0, 0, 1), [(0.299 * 200 + 0.587 * 40 + 0.114 * 10) / 255], { atol: 3 / 255, rtol: 0 });
});

test('resizeImage matches hand values and F.interpolate (bilinear, alignCorners false)', () => {
  // Upsampling [0, 1] to 4 samples gives [0, 0.25, 0.75, 1] (source positions 0, 0.25, 0.75, 1.25 clamped).
  const up = resizeImage(tensor([[[0, 1], [2, 3]]]), 4);
  const r = [0, 0.25, 0.75, 1];
  assertClose(up, [r.map((y) => r.map((x) => 2 * y + x))]);
  const x = uniform([2, 3, 7, 9], { seed: 3, low: 0, high: 1 });
  for (const size of [[4, 5], [12, 14], [7, 3], [1, 1]] as [number, number][]) {
    const ours = resizeImage(x, size);
    const reference = nn.functional.interpolate(x, { size, mode: 'bilinear', alignCorners: false });
    assertClose(ours, reference, { atol: 1e-6, message: `size ${size}` });
  }
  const x64 = uniform([1, 5, 5], { seed: 4, dtype: 'float64' });
  assertClose(resizeImage(x64, [3, 3]), nn.functional.interpolate(x64.unsqueeze(0), { size: [3, 3], mode: 'bilinear', alignCorners: false }).squeeze(0), { atol: 1e-12 });
  assert.throws(() => resizeImage(x, 0), /resizeImage: size must be a positive integer or a \[height, width\] pair/);
  assert.throws(() => resizeImage(tensor([1, 2]), 2), /resizeImage: expected a float \[C, H, W\] or \[N, C, H, W\] image, got float32 of shape \[2\]/);
});

test('loadImage errors name the file for missing, unsupported and corrupt images', () => {
  const write = (name: string, bytes: Uint8Array | number[]): string => {
    const p = join(dir, name);
    writeFileSync(p, Uint8Array.from(bytes));
    return p;
  };
  assert.throws(() => loadImage(join(dir, 'absent.png')), /loadImage: cannot read '.*absent\.png': no such file or directory/);
  assert.throws(() => loadImage(write('anim.png', [0x47, 0x49, 0x46, 0x38, 0x39, 0x61])), /loadImage: '.*anim\.png' is not a PNG or JPEG image \(it starts with 47 49 46 38/);
  assert.throws(() => loadImage(write('empty.png', [])), /'.*empty\.png' is not a PNG or JPEG image \(it starts with nothing/);
  const good = png(4, 4, Array.from({ length: 16 }, () => [1, 2, 3, 255]));
  assert.throws(() => loadImage(write('cut.png', good.subarray(0, good.length - 20))), /loadImage: cannot decode '.*cut\.png' as PNG/);
  const junk = Uint8Array.from([...good.subarray(0, 40), ...new Uint8Array(30).fill(7)]);
  assert.throws(() => loadImage(write('junk.png', junk)), /cannot decode '.*junk\.png' as PNG/);
  const j = jpeg(8, 8, Array.from({ length: 64 }, () => [9, 9, 9, 255]));
  assert.throws(() => loadImage(write('cut.jpg', j.subarray(0, 30))), /loadImage: cannot decode '.*cut\.jpg' as JPEG/);
  assert.throws(() => decodeImage(good, { size: [2, 0] as never }), /decodeImage: size must be a positive integer/);
  assert.throws(() => decodeImage('x' as never), /decodeImage: expected the bytes as a Uint8Array/);
});
