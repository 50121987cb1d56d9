/**
 * The native gather and scatter kernels against the reference kernels: every dtype, 0-d to 5-D
 * views in random strided layouts (permuted, gapped, flipped, broadcast), indices smaller than the
 * data in the other dims, repeated positions (the last write wins without accumulate; sums keep the
 * reference's order, so they match bit for bit), empty shapes.
 */
import { describe, it } from 'node:test';
import type { View } from '../../../src/backend/backend.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { seeded } from '../../helpers.js';
import { assertSame, int, native, numel, skipReason, type Rng } from './strided-views.js';

/** A view of `shape` filled by `value(i)` in row-major order, stored in a random strided layout. */
function randomNd(shape: number[], dtype: DType, rng: Rng, value: (i: number) => number): View {
  const nd = shape.length;
  const order = [...Array(nd).keys()].sort(() => rng() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let running = 1;
  for (const d of [...order].reverse()) {
    strides[d] = running;
    running *= shape[d]! + int(rng, 0, 1);
  }
  let offset = int(rng, 0, 2);
  const signed = strides.map((s, d) => {
    if (shape[d]! < 2 || rng() >= 0.3) return s;
    offset += (shape[d]! - 1) * s;
    return -s;
  });
  const data = allocArray(dtype, running + offset + 2);
  const pos = new Array<number>(nd).fill(0);
  for (let i = 0; i < numel(shape); i++) {
    let at = offset;
    for (let d = nd - 1, r = i; d >= 0; d--) {
      pos[d] = r % shape[d]!;
      r = Math.floor(r / shape[d]!);
      at += pos[d]! * signed[d]!;
    }
    data[at] = value(i);
  }
  return { data, dtype, shape, strides: signed, offset };
}

/** Values of a dtype: floats, wrapping ints, booleans. */
function valueOf(dtype: DType, rng: Rng): () => number {
  if (dtype === 'bool') return () => (rng() < 0.5 ? 1 : 0);
  if (dtype === 'int32') return () => int(rng, -(2 ** 31), 2 ** 31 - 1);
  return () => rng() * 2 - 1;
}

interface Case {
  dim: number;
  data: number[]; // x (gather) or base (scatter)
  index: number[];
}

function randomCase(rng: Rng): Case {
  const nd = int(rng, 1, 5);
  const data = Array.from({ length: nd }, () => (rng() < 0.05 ? 0 : [1, 2, 3, 5, 7][int(rng, 0, 4)]!));
  const dim = int(rng, 0, nd - 1);
  const index = data.map((s, d) => (d === dim ? int(rng, 0, 6) : int(rng, Math.min(s, 1), s)));
  return { dim, data, index };
}

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

describe('native gather and scatter', { skip: skipReason }, () => {
  it('gather matches the reference on random shapes, layouts and dtypes', () => {
    const rng = seeded(31);
    for (let t = 0; t < 300; t++) {
      const c = randomCase(rng);
      if (c.data[c.dim] === 0) c.index[c.dim] = 0; // nothing to pick from
      const dtype = DTYPES[int(rng, 0, 3)]!;
      const x = randomNd(c.data, dtype, rng, valueOf(dtype, rng));
      const index = randomNd(c.index, 'int32', rng, () => int(rng, 0, c.data[c.dim]! - 1));
      assertSame(native!.gather(x, c.dim, index), jsBackend.gather(x, c.dim, index), `gather ${dtype} ${JSON.stringify(c)}`);
    }
  });

  it('scatter and scatter-add match the reference, repeated positions included', () => {
    const rng = seeded(32);
    for (let t = 0; t < 300; t++) {
      const c = randomCase(rng);
      if (c.data[c.dim] === 0) c.index[c.dim] = 0;
      const dtype = DTYPES[int(rng, 0, 3)]!;
      const base = randomNd(c.data, dtype, rng, valueOf(dtype, rng));
      // Few distinct targets, so that positions repeat.
      const index = randomNd(c.index, 'int32', rng, () => int(rng, 0, Math.min(c.data[c.dim]!, 2) - 1));
      const srcShape = c.index.map((s) => s + int(rng, 0, 1));
      const src = randomNd(srcShape, dtype, rng, valueOf(dtype, rng));
      for (const accumulate of [false, true]) {
        assertSame(
          native!.scatter(base, c.dim, index, src, accumulate),
          jsBackend.scatter(base, c.dim, index, src, accumulate),
          `scatter ${dtype} accumulate=${accumulate} ${JSON.stringify(c)}`,
        );
      }
    }
  });

  it('handles 0-d views and the max-pool backward shape', () => {
    const rng = seeded(33);
    const scalar = (dtype: DType, v: number): View => ({ data: allocArray(dtype, 1).fill(v), dtype, shape: [], strides: [], offset: 0 });
    const i0: View = { data: Int32Array.of(0), dtype: 'int32', shape: [], strides: [], offset: 0 };
    assertSame(native!.gather(scalar('float64', 2.5), 0, i0), jsBackend.gather(scalar('float64', 2.5), 0, i0), 'gather 0-d');
    for (const accumulate of [false, true]) {
      const [b, s] = [scalar('float32', 1.5), scalar('float32', 2)];
      assertSame(native!.scatter(b, 0, i0, s, accumulate), jsBackend.scatter(b, 0, i0, s, accumulate), 'scatter 0-d');
    }
    // [N, C, H*W] zeros, index and gradient [N, C, Ho*Wo]: what maxPool2d's backward asks for.
    const base: View = { data: new Float32Array(4 * 16 * 576), dtype: 'float32', shape: [4, 16, 576], strides: [16 * 576, 576, 1], offset: 0 };
    const index = randomNd([4, 16, 144], 'int32', rng, () => int(rng, 0, 575));
    const g = randomNd([4, 16, 144], 'float32', rng, () => rng() - 0.5);
    assertSame(native!.scatter(base, 2, index, g, true), jsBackend.scatter(base, 2, index, g, true), 'max-pool backward');
  });
});
