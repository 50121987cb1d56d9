import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, gradcheck, manualSeed, noGrad, Tensor } from '../../src/index.js';
import { assertClose, uniform } from '../helpers.js';

function gradcheckModule(m: nn.Module, inputs: Tensor[]): boolean {
  m.double();
  const xs = inputs.map((x) => x.requiresGrad_(true));
  return gradcheck((...args: Tensor[]) => m.forward(...args.slice(0, xs.length)), [...xs, ...m.parameters()]);
}

const set = (p: Tensor, values: unknown) => noGrad(() => p.copy_(tensor(values as number[])));
const u = (shape: number[], seed: number) => uniform(shape, { dtype: 'float64', seed });

function checkInitBound(m: nn.ConvNd, fanIn: number): void {
  const bound = 1 / Math.sqrt(fanIn);
  for (const t of [m.weight, m.bias!]) {
    const v = t.toArray();
    assert.ok(Math.max(...v) <= bound && Math.min(...v) >= -bound, `${Math.min(...v)}..${Math.max(...v)} vs ${bound}`);
  }
}

describe('Conv2d', () => {
  it('cross-correlates with a bias (hand-computed)', () => {
    const c = new nn.Conv2d(1, 1, 2);
    set(c.weight, [[[[1, 2], [0, -1]]]]);
    set(c.bias!, [0.5]);
    // out[i][j] = x[i][j] + 2 x[i][j+1] - x[i+1][j+1] + 0.5
    assertClose(c.forward(tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])), [[[[0.5, 2.5], [6.5, 8.5]]]]);
    assertClose(c.forward(tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])), [[[0.5, 2.5], [6.5, 8.5]]], { message: 'unbatched' });
  });

  it('has PyTorch shapes, defaults and initialization', () => {
    manualSeed(0);
    const c = new nn.Conv2d(4, 6, 3, { groups: 2, stride: 2, padding: 1 });
    assert.deepEqual(c.weight.shape, [6, 2, 3, 3]);
    assert.deepEqual(c.kernelSize, [3, 3]);
    checkInitBound(c, 2 * 9);
    assert.deepEqual(c.forward(u([2, 4, 7, 7], 1).float()).shape, [2, 6, 4, 4]);
    assert.equal(c.extraRepr(), '4, 6, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), groups=2');
    assert.equal(new nn.Conv2d(1, 32, 3).extraRepr(), '1, 32, kernelSize=(3, 3), stride=(1, 1)');
    assert.deepEqual(Object.keys(new nn.Conv2d(1, 2, [3, 1], { bias: false }).stateDict()), ['weight']);
  });

  it("padding 'same' keeps the size; 'same' with a stride is refused", () => {
    const c = new nn.Conv2d(1, 2, [3, 4], { padding: 'same' });
    assert.deepEqual(c.forward(u([1, 1, 5, 6], 2).float()).shape, [1, 2, 5, 6]);
    assert.throws(() => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), /'same' is not supported for strided convolutions/);
  });

  it('padding modes pad the input like F.pad before a valid convolution', () => {
    const x = tensor([[[1, 2, 3]]]);
    const expected: Record<string, number[]> = { zeros: [3, 6, 5], reflect: [5, 6, 7], replicate: [4, 6, 8], circular: [6, 6, 6] };
    for (const mode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      const c = new nn.Conv1d(1, 1, 3, { padding: 1, paddingMode: mode, bias: false });
      set(c.weight, [[[1, 1, 1]]]);
      assertClose(c.forward(x), [[expected[mode]!]], { message: mode });
    }
    const same = new nn.Conv2d(1, 1, 2, { padding: 'same', paddingMode: 'replicate', bias: false });
    set(same.weight, [[[[1, 1], [1, 1]]]]);
    // 'same' with an even kernel pads one at the end: [[1, 2, 2], [3, 4, 4], [3, 4, 4]].
    assertClose(same.forward(tensor([[[[1, 2], [3, 4]]]])), [[[[10, 12], [14, 16]]]]);
    assert.throws(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' }), /paddingMode must be/);
  });

  it('passes gradcheck in float64, with zero and reflect padding', () => {
    assert.ok(gradcheckModule(new nn.Conv2d(2, 2, 2, { padding: 1 }), [u([1, 2, 3, 3], 3)]));
    assert.ok(gradcheckModule(new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: 'reflect', stride: 2 }), [u([1, 2, 4, 4], 4)]));
  });

  it('validates channels and groups', () => {
    assert.throws(() => new nn.Conv2d(3, 6, 3, { groups: 2 }), /inChannels 3 must be divisible by groups 2/);
    assert.throws(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), /outChannels 3 must be divisible by groups 2/);
    assert.throws(() => new nn.Conv2d(1, 1, 0), /kernelSize must be an integer >= 1/);
    assert.throws(() => new nn.Conv2d(2, 1, 3).forward(u([1, 3, 5, 5], 1).float()), /conv2d/);
  });
});

describe('Conv1d', () => {
  it('computes a 1-D correlation and passes gradcheck', () => {
    const c = new nn.Conv1d(1, 1, 2, { dilation: 2 });
    set(c.weight, [[[1, -1]]]);
    set(c.bias!, [0]);
    assertClose(c.forward(tensor([[[1, 4, 9, 16]]])), [[[-8, -12]]]);
    manualSeed(1);
    const d = new nn.Conv1d(3, 4, 3);
    checkInitBound(d, 9);
    assert.ok(gradcheckModule(new nn.Conv1d(2, 3, 2, { stride: 2, padding: 1 }), [u([2, 2, 5], 5)]));
  });
});

describe('ConvTranspose2d', () => {
  it('scatters each input through the kernel (hand-computed)', () => {
    const c = new nn.ConvTranspose2d(1, 1, 2, { stride: 2 });
    set(c.weight, [[[[1, 2], [3, 4]]]]);
    set(c.bias!, [1]);
    assertClose(c.forward(tensor([[[[1, 2]]]])), [[[[2, 3, 3, 5], [4, 5, 7, 9]]]]);
  });

  it('weight [in, out/groups, k, k]; init from fanIn = out/groups * k * k', () => {
    manualSeed(2);
    const c = new nn.ConvTranspose2d(4, 6, 3, { groups: 2 });
    assert.deepEqual(c.weight.shape, [4, 3, 3, 3]);
    checkInitBound(c, 3 * 9);
  });

  it('outputSize picks the output padding', () => {
    const c = new nn.ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1 });
    const x = u([1, 1, 4, 4], 6).float();
    assert.deepEqual(c.forward(x).shape, [1, 1, 7, 7]);
    assert.deepEqual(c.forward(x, [8, 8]).shape, [1, 1, 8, 8]);
    assert.deepEqual(c.forward(x, [1, 1, 8, 7]).shape, [1, 1, 8, 7]);
    assert.throws(() => c.forward(x, [9, 9]), /valid sizes for input \[1,1,4,4\] range from 7 to 8/);
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, { stride: 2, outputPadding: 2 }), /outputPadding \(2, 2\) must be smaller than stride/);
    assert.equal(new nn.ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }).extraRepr(), '1, 1, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), outputPadding=(1, 1)');
  });

  it('passes gradcheck in float64', () => {
    assert.ok(gradcheckModule(new nn.ConvTranspose2d(2, 2, 2, { stride: 2, padding: 1, outputPadding: 1 }), [u([1, 2, 2, 2], 7)]));
    assert.ok(gradcheckModule(new nn.ConvTranspose1d(2, 1, 3, { stride: 2 }), [u([1, 2, 3], 8)]));
  });
});
