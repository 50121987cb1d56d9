/**
 * The reference gather and scatter kernels on strided views (permuted, gapped, flipped, broadcast
 * with stride 0) against plain loops over coordinates.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DType, TypedArray, View } from '../../../src/index.js';
import { gather, scatter } from '../../../src/backend/js/gather.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { seeded } from '../../helpers.js';

type Rng = () => number;

interface Layout {
  /** dims stored with stride 0 (one stored element broadcast along the dim) */
  broadcast?: readonly number[];
  /** dims stored in reverse (negative stride) */
  flip?: readonly number[];
}

/**
 * A view of `shape` over a fresh buffer in a random layout: dims stored in a random order, with gaps,
 * a random leading offset, and the requested broadcast and flipped dims. `fill` gives each stored
 * element its value.
 */
function randomView(shape: readonly number[], dtype: DType, rng: Rng, fill: () => number, layout: Layout = {}): View {
  const nd = shape.length;
  const order = Array.from({ length: nd }, (_, i) => i).sort(() => rng() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let running = 1;
  for (let j = nd - 1; j >= 0; j--) {
    const d = order[j]!;
    if (layout.broadcast?.includes(d)) continue;
    strides[d] = running;
    running *= shape[d]! + (rng() < 0.5 ? 1 : 0);
  }
  let offset = Math.floor(rng() * 3);
  for (const d of layout.flip ?? []) {
    offset += (shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  let span = offset + 1;
  for (let d = 0; d < nd; d++) if (strides[d]! > 0) span += (shape[d]! - 1) * strides[d]!;
  const data = allocArray(dtype, span + 2);
  for (let i = 0; i < data.length; i++) data[i] = fill();
  return { data, dtype, shape, strides, offset };
}

/** Row-major coordinates of every position of `shape` (one empty coordinate for 0-d). */
function coordinates(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const size of shape) {
    const next: number[][] = [];
    for (const c of out) for (let i = 0; i < size; i++) next.push([...c, i]);
    out = next;
  }
  return out;
}

function at(v: View, coords: readonly number[]): number {
  let off = v.offset;
  coords.forEach((c, k) => (off += c * v.strides[k]!));
  return v.data[off]!;
}

function referenceGather(x: View, dim: number, index: View): number[] {
  return coordinates(index.shape).map((c) => {
    const xc = c.slice();
    if (xc.length === 0) xc.push(0);
    xc[dim] = at(index, c);
    return x.shape.length === 0 ? x.data[x.offset]! : at(x, xc);
  });
}

function referenceScatter(base: View, dim: number, index: View, src: View, accumulate: boolean): number[] {
  const out = coordinates(base.shape).map((c) => at(base, c));
  const strides: number[] = [];
  let s = 1;
  for (let k = base.shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= base.shape[k]!;
  }
  for (const c of coordinates(index.shape)) {
    const target = c.length === 0 ? [0] : c.slice();
    target[dim] = at(index, c);
    const flat = base.shape.length === 0 ? 0 : target.reduce((acc, v, k) => acc + v * strides[k]!, 0);
    const v = at(src, c);
    if (!accumulate) out[flat] = v;
    else if (base.dtype === 'bool') out[flat] = out[flat]! !== 0 || v !== 0 ? 1 : 0;
    // rounded at each step, as an array of the dtype stores every partial sum
    else out[flat] = base.dtype === 'int32' ? (out[flat]! + v) | 0 : base.dtype === 'float32' ? Math.fround(out[flat]! + v) : out[flat]! + v;
  }
  return out;
}

/** Values as stored in an array of `dtype` (float32 rounding, int32 wrap-around). */
function stored(values: number[], dtype: DType): number[] {
  const a = allocArray(dtype, values.length);
  values.forEach((v, i) => (a[i] = v));
  return [...a];
}

function valueFill(dtype: DType, rng: Rng): () => number {
  if (dtype === 'bool') return () => (rng() < 0.5 ? 1 : 0);
  if (dtype === 'int32') return () => Math.floor(rng() * 2 ** 31) * (rng() < 0.5 ? -1 : 1);
  return () => rng() * 8 - 4;
}

const indexFill = (size: number, rng: Rng) => () => Math.floor(rng() * size);
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];

interface Case {
  name: string;
  xShape: number[];
  dim: number;
  indexShape: number[];
  indexLayout?: Layout;
  xLayout?: Layout;
}

const CASES: Case[] = [
  { name: '2-D along dim 1, permuted layouts', xShape: [3, 5], dim: 1, indexShape: [3, 4] },
  { name: '2-D along dim 0, index smaller off dim', xShape: [4, 3], dim: 0, indexShape: [6, 2] },
  { name: '3-D, flipped input and index', xShape: [2, 3, 4], dim: 2, indexShape: [2, 2, 5], xLayout: { flip: [0, 2] }, indexLayout: { flip: [1] } },
  { name: 'index broadcast along dim (stride 0)', xShape: [3, 4], dim: 1, indexShape: [3, 5], indexLayout: { broadcast: [1] } },
  { name: 'index broadcast off dim (stride 0)', xShape: [3, 4, 2], dim: 1, indexShape: [3, 2, 2], indexLayout: { broadcast: [0, 2] } },
  { name: 'broadcast input', xShape: [3, 4], dim: 1, indexShape: [3, 3], xLayout: { broadcast: [0] } },
  { name: 'zero-size index', xShape: [3, 4], dim: 0, indexShape: [0, 4] },
  { name: '0-d input and index', xShape: [], dim: 0, indexShape: [] },
  { name: '0-d input, 1-element index', xShape: [], dim: 0, indexShape: [1] },
  { name: '1-D input, 0-d index', xShape: [5], dim: 0, indexShape: [] },
];

describe('js gather kernel', () => {
  for (const dtype of DTYPES) {
    for (const c of CASES) {
      it(`${c.name} (${dtype})`, () => {
        const rng = seeded(CASES.indexOf(c) * 7 + DTYPES.indexOf(dtype) + 1);
        const size = c.xShape.length === 0 ? 1 : c.xShape[c.dim]!;
        const x = randomView(c.xShape, dtype, rng, valueFill(dtype, rng), c.xLayout);
        const index = randomView(c.indexShape, 'int32', rng, indexFill(size, rng), c.indexLayout);
        const out: TypedArray = gather(x, c.dim, index);
        assert.equal(out.constructor, allocArray(dtype, 0).constructor);
        assert.deepEqual([...out], stored(referenceGather(x, c.dim, index), dtype));
      });
    }
  }
});

describe('js scatter kernel', () => {
  for (const dtype of DTYPES) {
    for (const accumulate of [true, false]) {
      for (const c of CASES) {
        // Index positions may repeat; without accumulate the kernel's documented order is row-major
        // over the index, so the last of them wins, as in the reference loop.
        it(`${c.name} (${dtype}, ${accumulate ? 'accumulate' : 'overwrite'})`, () => {
          const rng = seeded(CASES.indexOf(c) * 13 + DTYPES.indexOf(dtype) * 3 + (accumulate ? 1 : 2));
          const size = c.xShape.length === 0 ? 1 : c.xShape[c.dim]!;
          const base = randomView(c.xShape, dtype, rng, valueFill(dtype, rng), c.xLayout);
          const index = randomView(c.indexShape, 'int32', rng, indexFill(size, rng), c.indexLayout);
          // src at least as large as the index in every dim; only its leading corner is read
          const srcShape = c.indexShape.map((s) => s + (rng() < 0.5 ? 1 : 0));
          const src = randomView(srcShape, dtype, rng, valueFill(dtype, rng), { flip: srcShape.length > 0 ? [0] : [] });
          const out = scatter(base, c.dim, index, src, accumulate);
          assert.deepEqual([...out], stored(referenceScatter(base, c.dim, index, src, accumulate), dtype));
        });
      }
    }
  }

  it('does not modify its base', () => {
    const rng = seeded(99);
    const base = randomView([3, 4], 'float64', rng, valueFill('float64', rng));
    const before = [...base.data];
    const index = randomView([3, 4], 'int32', rng, indexFill(4, rng));
    scatter(base, 1, index, randomView([3, 4], 'float64', rng, valueFill('float64', rng)), true);
    assert.deepEqual([...base.data], before);
  });
});
