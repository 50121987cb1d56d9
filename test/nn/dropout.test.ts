import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, manualSeed, nn, ones, randn, type Tensor } from '../../src/index.js';
import { assertThrowsMatching, uniform } from '../helpers.js';

/** Whether every slice along the first `lead` dims holds one value (all kept or all dropped). */
function slicesUniform(y: Tensor, lead: number): boolean {
  const rows = y.shape.slice(0, lead).reduce((a, b) => a * b, 1);
  const flat = y.reshape([rows, -1]);
  for (let i = 0; i < rows; i++) if (new Set(flat.select(0, i).toArray()).size !== 1) return false;
  return true;
}

function mean(t: Tensor): number {
  return t.mean().item();
}

describe('Dropout', () => {
  it('keeps the mean in training, zeroing about a fraction p', () => {
    manualSeed(11);
    const y = new nn.Dropout(0.4).forward(ones([20000]));
    // Each element is 0 or 1/0.6 (variance 0.4/0.6 = 0.667): the mean's sd is ~0.0058; allow 5.
    assert.ok(Math.abs(mean(y) - 1) < 0.03, `mean ${mean(y)}`);
    const dropped = Array.from(y.toArray()).filter((v) => v === 0).length / 20000;
    assert.ok(Math.abs(dropped - 0.4) < 0.02, `dropped ${dropped}`);
  });

  it('draws a mask that is reproducible under manualSeed', () => {
    const drop = new nn.Dropout(0.5);
    manualSeed(3);
    const a = drop.forward(ones([100])).toArray();
    const b = drop.forward(ones([100])).toArray();
    manualSeed(3);
    assert.deepEqual(drop.forward(ones([100])).toArray(), a);
    assert.notDeepEqual(a, b);
  });

  it('is the identity in eval mode, also inside a container', () => {
    const x = randn([4, 5]);
    const model = new nn.Sequential(new nn.Dropout(0.9), new nn.Dropout2d(0.9), new nn.AlphaDropout(0.9), new nn.DropPath(0.9));
    model.eval();
    assert.equal(model.forward(x.reshape([1, 4, 5, 1])).reshape([4, 5]).sub(x).abs().max().item(), 0);
  });

  it('scales the gradient like the output', () => {
    manualSeed(4);
    const x = ones([50], { dtype: 'float64', requiresGrad: true });
    const y = new nn.Dropout(0.3).forward(x);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), y.detach().tolist());
  });

  it('checks p and prints it', () => {
    assertThrowsMatching(() => new nn.Dropout(1.2), /^Dropout: dropout probability has to be between 0 and 1, got 1.2/);
    assertThrowsMatching(() => new nn.Dropout2d(-1), /^Dropout2d: dropout probability/);
    assert.equal(new nn.Dropout(0.1).extraRepr(), 'p=0.1');
  });
});

describe('Dropout2d', () => {
  it('drops whole channels and keeps the mean', () => {
    manualSeed(12);
    const y = new nn.Dropout2d(0.5).forward(ones([50, 40, 2, 2]));
    assert.ok(slicesUniform(y, 2));
    // 2000 channels of 0 or 2: the mean's sd is ~0.022; allow 5.
    assert.ok(Math.abs(mean(y) - 1) < 0.11, `mean ${mean(y)}`);
  });

  it('Dropout1d and Dropout3d drop whole channels too', () => {
    manualSeed(13);
    assert.ok(slicesUniform(new nn.Dropout1d(0.5).forward(ones([8, 8, 6])), 2));
    assert.ok(slicesUniform(new nn.Dropout3d(0.5).forward(ones([4, 8, 2, 2, 2])), 2));
  });
});

describe('AlphaDropout', () => {
  it('keeps zero mean and unit variance of standard normal inputs in training', () => {
    manualSeed(14);
    const y = new nn.AlphaDropout(0.1).forward(randn([50000], { dtype: 'float64' }));
    const m = mean(y);
    const v = y.var(null, { correction: 0 }).item();
    assert.ok(Math.abs(m) < 0.03, `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 0.04, `variance ${v}`);
  });

  it('FeatureAlphaDropout drops whole channels', () => {
    manualSeed(15);
    assert.ok(slicesUniform(new nn.FeatureAlphaDropout(0.5).forward(ones([6, 8, 4])), 2));
  });
});

describe('StochasticDepth and DropPath', () => {
  it('drop whole samples in row mode', () => {
    manualSeed(16);
    const y = new nn.StochasticDepth(0.3, 'row').forward(ones([400, 3, 2]));
    assert.ok(slicesUniform(y, 1));
    const kept = Array.from(y.reshape([400, 6]).select(1, 0).toArray());
    assert.ok(kept.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
    const dropped = kept.filter((v) => v === 0).length / 400;
    // sd sqrt(0.21 / 400) ~ 0.023; allow 5.
    assert.ok(Math.abs(dropped - 0.3) < 0.115, `dropped ${dropped}`);
    assert.ok(slicesUniform(new nn.DropPath(0.5).forward(ones([64, 5])), 1));
  });

  it('drop the whole batch in batch mode', () => {
    manualSeed(17);
    const sd = new nn.StochasticDepth(0.5, 'batch');
    for (let i = 0; i < 20; i++) assert.equal(new Set(sd.forward(ones([3, 4])).toArray()).size, 1);
  });

  it('check their mode and print their settings', () => {
    assertThrowsMatching(() => new nn.StochasticDepth(0.2, 'sample' as 'row'), /^StochasticDepth: mode must be 'row' or 'batch'/);
    assert.equal(new nn.StochasticDepth(0.2, 'row').extraRepr(), 'p=0.2, mode=row');
    assert.equal(new nn.DropPath(0.1, { scaleByKeep: false }).extraRepr(), 'p=0.1, scaleByKeep=false');
  });
});

describe('every dropout layer', () => {
  it('passes gradcheck in training when the mask is redrawn from the same seed', () => {
    const layers = [
      new nn.Dropout(0.3),
      new nn.Dropout2d(0.5),
      new nn.AlphaDropout(0.2),
      new nn.FeatureAlphaDropout(0.5),
      new nn.StochasticDepth(0.5, 'row'),
      new nn.DropPath(0.5),
    ];
    const x = uniform([3, 2, 2, 2], { seed: 5, dtype: 'float64' }).requiresGrad_(true);
    for (const layer of layers) {
      const f = (input: Tensor): Tensor => {
        manualSeed(21);
        return layer.forward(input);
      };
      assert.ok(gradcheck(f, [x]), layer.constructor.name);
    }
  });
});
