/**
 * The reference conv2d kernels on random shapes, strides, paddings, dilations and groups, with inputs
 * in random strided layouts (permuted, gapped, flipped, offset), against a naive formulation that
 * pads the input explicitly and loops over coordinates.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DType, View } from '../../../src/index.js';
import type { Conv2dParams } from '../../../src/backend/backend.js';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from '../../../src/backend/js/conv.js';
import { allocArray } from '../../../src/tensor/dtype.js';
import { seeded } from '../../helpers.js';

type Rng = () => number;
type Arr4 = number[][][][];

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** A 4-D view holding `values` in a random layout: dims stored in a random order, gaps, flips, an offset. */
function randomView(values: Arr4, dtype: DType, rng: Rng): View {
  const shape = [values.length, values[0]?.length ?? 0, values[0]?.[0]?.length ?? 0, values[0]?.[0]?.[0]?.length ?? 0];
  const order = [0, 1, 2, 3].sort(() => rng() - 0.5);
  const strides = [0, 0, 0, 0];
  let running = 1;
  for (const d of order.reverse()) {
    strides[d] = running;
    running *= shape[d]! + int(rng, 0, 1); // a gap after some dims
  }
  let offset = int(rng, 0, 3);
  const flips = shape.map(() => rng() < 0.3);
  flips.forEach((f, d) => {
    if (f) offset += (shape[d]! - 1) * strides[d]!;
  });
  const signed = strides.map((s, d) => (flips[d] ? -s : s));
  const data = allocArray(dtype, running + offset + 4).fill(NaN); // gaps read as NaN would poison the result
  for (let a = 0; a < shape[0]!; a++)
    for (let b = 0; b < shape[1]!; b++)
      for (let c = 0; c < shape[2]!; c++)
        for (let d = 0; d < shape[3]!; d++) {
          data[offset + a * signed[0]! + b * signed[1]! + c * signed[2]! + d * signed[3]!] = values[a]![b]![c]![d]!;
        }
  return { data, dtype, shape, strides: signed, offset };
}

function randomArr(shape: readonly number[], rng: Rng): Arr4 {
  const [a, b, c, d] = shape as [number, number, number, number];
  return Array.from({ length: a }, () => Array.from({ length: b }, () => Array.from({ length: c }, () => Array.from({ length: d }, () => rng() * 2 - 1))));
}

function zerosArr(shape: readonly number[]): Arr4 {
  const [a, b, c, d] = shape as [number, number, number, number];
  return Array.from({ length: a }, () => Array.from({ length: b }, () => Array.from({ length: c }, () => new Array<number>(d).fill(0))));
}

interface Case {
  p: Conv2dParams;
  x: Arr4;
  w: Arr4;
  xShape: number[];
  wShape: number[];
  outShape: number[];
  /** extra zeros past the end of H and W that the requested output reads (PyTorch's 'same' with even kernels) */
  extra: [number, number];
}

function randomCase(rng: Rng): Case {
  for (;;) {
    const groups = int(rng, 1, 3);
    const cpg = int(rng, 1, 2);
    const opg = int(rng, 1, 2);
    const N = int(rng, 1, 2);
    const [H, W] = [int(rng, 1, 6), int(rng, 1, 6)];
    const [kh, kw] = [int(rng, 1, 3), int(rng, 1, 3)];
    const p: Conv2dParams = {
      stride: [int(rng, 1, 3), int(rng, 1, 3)],
      padding: [int(rng, 0, 2), int(rng, 0, 2)],
      dilation: [int(rng, 1, 2), int(rng, 1, 2)],
      groups,
    };
    const extra: [number, number] = [int(rng, 0, 1), int(rng, 0, 1)];
    const out = (size: number, i: 0 | 1, k: number) => Math.floor((size + 2 * p.padding[i] + extra[i] - p.dilation[i] * (k - 1) - 1) / p.stride[i]) + 1;
    const [HO, WO] = [out(H, 0, kh), out(W, 1, kw)];
    if (HO < 1 || WO < 1) continue;
    const xShape = [N, groups * cpg, H, W];
    const wShape = [groups * opg, cpg, kh, kw];
    return { p, x: randomArr(xShape, rng), w: randomArr(wShape, rng), xShape, wShape, outShape: [N, groups * opg, HO, WO], extra };
  }
}

/** The input padded with zeros: `padding` before, `padding + extra` after. */
function padded(c: Case): Arr4 {
  const [N, C, H, W] = c.xShape as [number, number, number, number];
  const [ph, pw] = c.p.padding;
  const out = zerosArr([N, C, H + 2 * ph + c.extra[0], W + 2 * pw + c.extra[1]]);
  for (let n = 0; n < N; n++) for (let ch = 0; ch < C; ch++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[n]![ch]![h + ph]![w + pw] = c.x[n]![ch]![h]![w]!;
  return out;
}

/** Visits every (output position, weight tap) pair with the padded input coordinates it multiplies. */
function eachTap(c: Case, f: (n: number, o: number, oh: number, ow: number, ch: number, ci: number, i: number, j: number, hp: number, wp: number) => void): void {
  const [N, O, HO, WO] = c.outShape as [number, number, number, number];
  const [, cpg, KH, KW] = c.wShape as [number, number, number, number];
  const opg = O / c.p.groups;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < HO; oh++)
        for (let ow = 0; ow < WO; ow++)
          for (let ci = 0; ci < cpg; ci++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ch = Math.floor(o / opg) * cpg + ci;
                f(n, o, oh, ow, ch, ci, i, j, oh * c.p.stride[0] + i * c.p.dilation[0], ow * c.p.stride[1] + j * c.p.dilation[1]);
              }
}

function flat(a: Arr4): number[] {
  return a.flat(3);
}

function assertAllClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    assert.ok(Math.abs(actual[i]! - e) <= tol * (1 + Math.abs(e)), `${what}: element ${i}: got ${actual[i]}, expected ${e}`);
  }
}

const CASES = 60;

for (const dtype of ['float64', 'float32'] as const) {
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;
  describe(`js conv2d kernels (${dtype})`, () => {
    it('conv2d matches a direct loop over the padded input', () => {
      const rng = seeded(dtype === 'float64' ? 1 : 2);
      for (let t = 0; t < CASES; t++) {
        const c = randomCase(rng);
        const xp = padded(c);
        const expected = zerosArr(c.outShape);
        eachTap(c, (n, o, oh, ow, ch, ci, i, j, hp, wp) => (expected[n]![o]![oh]![ow]! += xp[n]![ch]![hp]![wp]! * c.w[o]![ci]![i]![j]!));
        const got = conv2d(randomView(c.x, dtype, rng), randomView(c.w, dtype, rng), c.p, c.outShape);
        assert.ok(got instanceof (dtype === 'float64' ? Float64Array : Float32Array));
        assertAllClose(got, flat(expected), tol, `case ${t} ${JSON.stringify(c.p)} x ${JSON.stringify(c.xShape)} w ${JSON.stringify(c.wShape)}`);
      }
    });

    it('conv2dInputGrad matches the gradient accumulated on the padded input, cropped', () => {
      const rng = seeded(dtype === 'float64' ? 3 : 4);
      for (let t = 0; t < CASES; t++) {
        const c = randomCase(rng);
        const g = randomArr(c.outShape, rng);
        const [ph, pw] = c.p.padding;
        const [N, C, H, W] = c.xShape as [number, number, number, number];
        const dxp = zerosArr([N, C, H + 2 * ph + c.extra[0], W + 2 * pw + c.extra[1]]);
        eachTap(c, (n, o, oh, ow, ch, ci, i, j, hp, wp) => (dxp[n]![ch]![hp]![wp]! += g[n]![o]![oh]![ow]! * c.w[o]![ci]![i]![j]!));
        const expected = dxp.map((a) => a.map((b) => b.slice(ph, ph + H).map((r) => r.slice(pw, pw + W))));
        const got = conv2dInputGrad(randomView(g, dtype, rng), randomView(c.w, dtype, rng), c.p, c.xShape);
        assertAllClose(got, flat(expected), tol, `case ${t} ${JSON.stringify(c.p)}`);
      }
    });

    it('conv2dWeightGrad matches a direct loop', () => {
      const rng = seeded(dtype === 'float64' ? 5 : 6);
      for (let t = 0; t < CASES; t++) {
        const c = randomCase(rng);
        const g = randomArr(c.outShape, rng);
        const xp = padded(c);
        const expected = zerosArr(c.wShape);
        eachTap(c, (n, o, oh, ow, ch, ci, i, j, hp, wp) => (expected[o]![ci]![i]![j]! += xp[n]![ch]![hp]![wp]! * g[n]![o]![oh]![ow]!));
        const got = conv2dWeightGrad(randomView(c.x, dtype, rng), randomView(g, dtype, rng), c.p, c.wShape);
        assertAllClose(got, flat(expected), tol, `case ${t} ${JSON.stringify(c.p)}`);
      }
    });
  });
}

describe('js conv2d kernels: the three are adjoint', () => {
  it('<conv(x, w), g> = <x, inputGrad(g, w)> = <w, weightGrad(x, g)>', () => {
    const rng = seeded(9);
    for (let t = 0; t < 30; t++) {
      const c = randomCase(rng);
      const g = randomArr(c.outShape, rng);
      const [xv, wv, gv] = [randomView(c.x, 'float64', rng), randomView(c.w, 'float64', rng), randomView(g, 'float64', rng)];
      const dot = (a: ArrayLike<number>, b: number[]) => b.reduce((s, v, i) => s + v * a[i]!, 0);
      const lhs = dot(conv2d(xv, wv, c.p, c.outShape), flat(g));
      assert.ok(Math.abs(lhs - dot(conv2dInputGrad(gv, wv, c.p, c.xShape), flat(c.x))) < 1e-10, `case ${t}: input grad`);
      assert.ok(Math.abs(lhs - dot(conv2dWeightGrad(xv, gv, c.p, c.wShape), flat(c.w))) < 1e-10, `case ${t}: weight grad`);
    }
  });

  it('gives empty outputs for an empty batch', () => {
    const p: Conv2dParams = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
    const x: View = { data: new Float32Array(0), dtype: 'float32', shape: [0, 2, 3, 3], strides: [18, 9, 3, 1], offset: 0 };
    const w: View = { data: new Float32Array(8).fill(1), dtype: 'float32', shape: [1, 2, 2, 2], strides: [8, 4, 2, 1], offset: 0 };
    const g: View = { data: new Float32Array(0), dtype: 'float32', shape: [0, 1, 2, 2], strides: [4, 4, 2, 1], offset: 0 };
    assert.equal(conv2d(x, w, p, [0, 1, 2, 2]).length, 0);
    assert.equal(conv2dInputGrad(g, w, p, [0, 2, 3, 3]).length, 0);
    assert.deepEqual([...conv2dWeightGrad(x, g, p, [1, 2, 2, 2])], new Array(8).fill(0));
  });
});
