import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, full, Tensor, models, nn } from '../../src/index.js';

/** The parameter count of the PyTorch reproduction (anchors/torch_lecun1989.py). */
const TORCH_PARAMS = 12 * 1 * 25 + 12 + 12 * 12 * 25 + 12 + 192 * 30 + 30 + 30 * 10 + 10;

describe('models.lecun1989', () => {
  it('has the PyTorch reproduction parameters, by name and shape', () => {
    manualSeed(0);
    const net = models.lecun1989();
    const shapes = Object.fromEntries([...net.namedParameters()].map(([n, p]) => [n, p.shape]));
    assert.deepEqual(shapes, {
      'H1.weight': [12, 1, 5, 5], 'H1.bias': [12],
      'H2.weight': [12, 12, 5, 5], 'H2.bias': [12],
      'H3.weight': [30, 192], 'H3.bias': [30],
      'out.weight': [10, 30], 'out.bias': [10],
    });
    assert.equal(net.parameters().reduce((n, p) => n + p.numel, 0), TORCH_PARAMS);
    assert.equal(TORCH_PARAMS, 10024);
  });

  it("initializes like PyTorch's defaults: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases", () => {
    manualSeed(1337);
    const net = models.lecun1989();
    const fanIn: Record<string, number> = { H1: 25, H2: 300, H3: 192, out: 30 };
    for (const [name, p] of net.namedParameters()) {
      const bound = 1 / Math.sqrt(fanIn[name.split('.')[0]!]!);
      const values = Array.from(p.toArray());
      const max = Math.max(...values.map(Math.abs));
      assert.ok(max <= bound + 1e-7, `${name}: |value| ${max} exceeds the bound ${bound}`);
      // Enough draws to come near the bound (the biases of 10-12 values only roughly).
      if (values.length >= 100) assert.ok(max > 0.9 * bound, `${name}: the largest |value| ${max} is far below the bound ${bound}`);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      if (values.length >= 300) assert.ok(Math.abs(mean) < 0.15 * bound, `${name}: mean ${mean} is not near 0`);
    }
  });

  it('maps [N, 1, 16, 16] to [N, 10] tanh outputs', () => {
    manualSeed(0);
    const out = models.lecun1989().forward(randn([3, 1, 16, 16]));
    assert.deepEqual(out.shape, [3, 10]);
    for (const v of out.toArray()) assert.ok(v > -1 && v < 1);
  });

  it('pads the input and H1 maps with -1 (the background), not 0', () => {
    manualSeed(0);
    const net = models.lecun1989();
    const seen: Tensor[] = [];
    net.H1.registerForwardHook((_m, args) => void seen.push(args[0] as Tensor));
    net.H2.registerForwardHook((_m, args) => void seen.push(args[0] as Tensor));
    net.forward(full([1, 1, 16, 16], 0.5));
    const [h1In, h2In] = seen as [Tensor, Tensor];
    assert.deepEqual(h1In.shape, [1, 1, 20, 20]);
    assert.deepEqual(h2In.shape, [1, 12, 12, 12]);
    const border = (t: Tensor): number[] => {
      const [, c, h, w] = t.shape as [number, number, number, number];
      const v = t.toArray();
      const out: number[] = [];
      for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (y < 2 || x < 2 || y >= h - 2 || x >= w - 2) out.push(v[(k * h + y) * w + x]!);
      return out;
    };
    assert.ok(border(h1In).every((v) => v === -1));
    assert.ok(border(h2In).every((v) => v === -1));
    assert.equal(h1In.toArray()[2 * 20 + 2], 0.5);
  });

  it('feeds H1 the input padded with -1: a hand-checked corner', () => {
    manualSeed(0);
    const net = models.lecun1989();
    // All-ones kernels and zero bias: the top-left output window (stride 2, pad 2) covers 16 padded
    // cells (-1 each) and 9 input cells (0 here), so H1's first output (before tanh) is -16.
    nn.init.ones_(net.H1.weight);
    nn.init.zeros_(net.H1.bias!);
    let h1: Tensor | null = null;
    net.H1.registerForwardHook((_m, _a, out) => void (h1 = out as Tensor));
    net.forward(tensor(new Float32Array(256), { shape: [1, 1, 16, 16] }));
    const first = (h1 as unknown as Tensor).toArray()[0]!;
    assert.ok(Math.abs(first - -16) < 1e-5, `H1's pre-activation at (0, 0) is ${first}, expected -16`);
  });

  it('rejects inputs of another shape, naming the expected one', () => {
    assert.throws(() => models.lecun1989().forward(randn([2, 1, 28, 28])), /lecun1989: expected input \[N, 1, 16, 16\], got \[2,1,28,28\]/);
  });
});
