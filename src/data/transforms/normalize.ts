/** Per-channel normalisation of an image [C, H, W], and the statistics to normalise with. */
import { Tensor } from '../../tensor/tensor.js';
import { allocImage, makeImage, readImage, type Transform } from './transform.js';
import { isMapDataset, type Dataset } from '../dataset.js';

/**
 * (x - mean[c]) / std[c] for each channel c. One number applies to every channel.
 *
 * ```ts
 * normalize([0.1307], [0.3081]);                    // MNIST's statistics
 * normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
 * ```
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const op = 'normalize';
  const m = typeof mean === 'number' ? [mean] : mean.slice();
  const s = typeof std === 'number' ? [std] : std.slice();
  if (m.length === 0 || !m.every(Number.isFinite)) throw new Error(`${op}: mean must be finite numbers, got ${JSON.stringify(mean)}`);
  if (s.length === 0 || !s.every((v) => Number.isFinite(v) && v > 0)) throw new Error(`${op}: std must be positive numbers, got ${JSON.stringify(std)}`);
  return (x) => {
    const { c, h, w, values, dtype } = readImage(op, x);
    const per = (v: number[], name: string): number[] => {
      if (v.length === 1) return new Array<number>(c).fill(v[0]!);
      if (v.length !== c) throw new Error(`${op}: ${name} has ${v.length} values, but the image has ${c} channels`);
      return v;
    };
    const mc = per(m, 'mean');
    const sc = per(s, 'std');
    const out = allocImage(dtype, values.length);
    const plane = h * w;
    for (let ch = 0; ch < c; ch++) {
      const mu = mc[ch]!;
      const inv = 1 / sc[ch]!;
      for (let k = ch * plane, end = k + plane; k < end; k++) out[k] = (values[k]! - mu) * inv;
    }
    return makeImage(out, c, h, w, dtype);
  };
}

export interface MeanStd {
  mean: number[];
  std: number[];
}

/**
 * Per-channel mean and (population) standard deviation over every pixel of a dataset of images, for
 * `normalize`. Samples are images [C, H, W] or arrays whose element `index` (default 0) is one.
 * Accumulates in float64 with Welford's update per sample, so large datasets keep their precision.
 *
 * ```ts
 * const { mean, std } = computeMeanStd(trainSet);
 * const norm = normalize(mean, std);
 * ```
 */
export function computeMeanStd(dataset: Dataset<unknown>, options: { index?: number; limit?: number } = {}): MeanStd {
  const op = 'computeMeanStd';
  if (!isMapDataset(dataset)) throw new Error(`${op}: dataset must be map-style (length and get)`);
  const n = Math.min(dataset.length, options.limit ?? Infinity);
  if (n === 0) throw new Error(`${op}: the dataset is empty`);
  const index = options.index ?? 0;
  let mean: Float64Array | null = null;
  let m2: Float64Array | null = null;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const s = dataset.get(k);
    const img = s instanceof Tensor ? s : Array.isArray(s) ? s[index] : undefined;
    if (!(img instanceof Tensor)) throw new Error(`${op}: sample ${k} is not an image or an array with an image at index ${index}`);
    const { c, h, w, values } = readImage(op, img);
    if (mean === null) {
      mean = new Float64Array(c);
      m2 = new Float64Array(c);
    } else if (c !== mean.length) {
      throw new Error(`${op}: sample ${k} has ${c} channels, but sample 0 has ${mean.length}`);
    }
    const plane = h * w;
    if (plane === 0) continue;
    // Chan et al.'s parallel update: merge this sample's per-channel (count, mean, M2) into the total.
    for (let ch = 0; ch < c; ch++) {
      let sm = 0;
      for (let i = ch * plane; i < (ch + 1) * plane; i++) sm += values[i]!;
      const mu = sm / plane;
      let sq = 0;
      for (let i = ch * plane; i < (ch + 1) * plane; i++) sq += (values[i]! - mu) ** 2;
      const delta = mu - mean[ch]!;
      const total = count + plane;
      mean[ch] = mean[ch]! + (delta * plane) / total;
      m2![ch] = m2![ch]! + sq + (delta * delta * count * plane) / total;
    }
    count += plane;
  }
  if (count === 0) throw new Error(`${op}: the images have no pixels`);
  return { mean: Array.from(mean!), std: Array.from(m2!, (v) => Math.sqrt(v / count)) };
}
