/**
 * Image files to tensors: PNG (through pngjs) and JPEG (through jpeg-js), detected from the bytes, to
 * [C, H, W] float32 in [0, 1]. Like PyTorch's ImageFolder (which converts every image to RGB), images
 * come out with 3 channels by default whatever their stored format, so a folder of mixed images
 * stacks into batches; `grayscale` gives 1 channel, `alpha` adds the alpha channel.
 */
import { PNG } from 'pngjs';
import { decode as decodeJpeg } from 'jpeg-js';
import { Tensor } from '../../tensor/tensor.js';
import { fromArray } from '../../tensor/creation.js';
import { formatShape } from '../../tensor/shape.js';
import { readBytes } from './files.js';
import { resize } from '../transforms/resize.js';

export interface ImageOptions {
  /** One luma channel (ITU-R 601-2: 0.299 R + 0.587 G + 0.114 B, as PIL's 'L') instead of RGB. */
  grayscale?: boolean;
  /** Keep the alpha channel as the last channel (RGBA, or gray + alpha). Default false. */
  alpha?: boolean;
  /** Resize (bilinear, corners not aligned, as F.interpolate) to size x size or [height, width]. */
  size?: number | readonly [number, number];
}

/** An image's samples as RGBA, interleaved, each in [0, max]. */
interface Rgba {
  width: number;
  height: number;
  data: ArrayLike<number>;
  max: number;
}

/** The kind of image the bytes hold, from their magic number. */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

function decodeRgba(op: string, bytes: Uint8Array, name: string): Rgba {
  const format = imageFormat(bytes);
  if (format === null) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${op}: ${name} is not a PNG or JPEG image (it starts with ${head || 'nothing'}; only PNG and JPEG are supported)`);
  }
  try {
    if (format === 'png') {
      // skipRescale keeps 16-bit samples exact (and low bit depths as small integers); palette
      // images are always expanded to 8-bit colors.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
      const max = png.palette || (png.colorType as number) === 3 ? 255 : 2 ** png.depth - 1;
      return { width: png.width, height: png.height, data: png.data as unknown as ArrayLike<number>, max };
    }
    const img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data, max: 255 };
  } catch (e) {
    throw new Error(`${op}: cannot decode ${name} as ${format.toUpperCase()}: ${(e as Error).message ?? String(e)}`);
  }
}

/**
 * Decodes PNG or JPEG bytes to a [C, H, W] float32 tensor in [0, 1] (C = 3, or 1 with grayscale,
 * plus 1 with alpha). `name` appears in errors.
 *
 * ```ts
 * const img = decodeImage(readFileSync('cat.jpg'), { size: 224 }); // [3, 224, 224]
 * ```
 */
export function decodeImage(bytes: Uint8Array, options: ImageOptions = {}, name = 'image data'): Tensor {
  const op = 'decodeImage';
  if (!(bytes instanceof Uint8Array)) throw new Error(`${op}: expected the bytes as a Uint8Array or Buffer, got ${typeof bytes}`);
  const size = options.size === undefined ? null : checkSize(op, options.size);
  const { width: w, height: h, data, max } = decodeRgba(op, bytes, name);
  const color = options.grayscale ? 1 : 3;
  const c = color + (options.alpha ? 1 : 0);
  const plane = w * h;
  const out = new Float32Array(c * plane);
  const inv = 1 / max;
  for (let p = 0; p < plane; p++) {
    const r = data[4 * p]!;
    const g = data[4 * p + 1]!;
    const b = data[4 * p + 2]!;
    if (color === 1) out[p] = (r * 0.299 + g * 0.587 + b * 0.114) * inv;
    else {
      out[p] = r * inv;
      out[plane + p] = g * inv;
      out[2 * plane + p] = b * inv;
    }
    if (options.alpha) out[color * plane + p] = data[4 * p + 3]! * inv;
  }
  const image = fromArray(out, [c, h, w], 'float32');
  return size === null ? image : resizeImage(image, size);
}

/**
 * Reads a PNG or JPEG file to a [C, H, W] float32 tensor in [0, 1] (see `decodeImage`).
 *
 * ```ts
 * const img = loadImage('digits/3/0001.png', { grayscale: true, size: 28 }); // [1, 28, 28]
 * ```
 */
export function loadImage(path: string, options: ImageOptions = {}): Tensor {
  const bytes = readBytes('loadImage', path);
  try {
    return decodeImage(bytes, options, `'${path}'`);
  } catch (e) {
    throw new Error(`loadImage: ${(e as Error).message.replace(/^decodeImage: /, '')}`);
  }
}

/** [height, width] from a number or a pair of positive integers. */
export function checkSize(op: string, size: number | readonly [number, number]): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : null;
  if (pair === null || !pair.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`${op}: size must be a positive integer or a [height, width] pair of them, got ${JSON.stringify(size)}`);
  }
  return [pair[0]!, pair[1]!];
}

/**
 * Resizes a [C, H, W] (or [N, C, H, W]) float image bilinearly, without antialiasing, with the same
 * sampling as `F.interpolate(x, { size, mode: 'bilinear', alignCorners: false })` but computed directly
 * on the values (no autograd, through `transforms.resize`): the loaders' fast path.
 *
 * ```ts
 * resizeImage(img, [16, 16]);
 * ```
 */
export function resizeImage(x: Tensor, size: number | readonly [number, number]): Tensor {
  const op = 'resizeImage';
  if (!(x instanceof Tensor) || (x.ndim !== 3 && x.ndim !== 4) || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new Error(`resizeImage: expected a float [C, H, W] or [N, C, H, W] image, got ${x instanceof Tensor ? `${x.dtype} of shape ${formatShape(x.shape)}` : typeof x}`);
  }
  const [oh, ow] = checkSize(op, size);
  const h = x.shape[x.ndim - 2]!;
  const w = x.shape[x.ndim - 1]!;
  if (h === 0 || w === 0) throw new Error(`${op}: cannot resize an empty image of shape ${formatShape(x.shape)}`);
  // Every plane (channel, and image of a batch) is resized alike: the transform's resize over
  // [planes, H, W] does it, with the same sampling and roundings.
  const planes = x.numel / (h * w);
  return resize(x.reshape([planes, h, w]), [oh, ow]).reshape([...x.shape.slice(0, -2), oh, ow]);
}
