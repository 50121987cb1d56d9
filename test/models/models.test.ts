import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, Tensor, models, nn, optim, data, tidy } from '../../src/index.js';

const count = (m: nn.Module): number => m.parameters().reduce((n, p) => n + p.numel, 0);

describe('models.mlp', () => {
  it('defaults to 784-512-512-10 with the PyTorch parameter count', () => {
    manualSeed(0);
    const net = models.mlp();
    assert.equal(count(net), 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10);
    assert.deepEqual(net.forward(randn([4, 1, 28, 28])).shape, [4, 10]);
    assert.deepEqual(net.forward(randn([4, 784])).shape, [4, 10]);
  });

  it('takes hidden widths, inputs and classes', () => {
    manualSeed(0);
    const net = models.mlp({ hidden: [16, 8], inputs: 5, classes: 3 });
    assert.equal(count(net), 5 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
    assert.deepEqual(net.forward(randn([2, 5])).shape, [2, 3]);
    assert.equal(count(models.mlp({ hidden: [], inputs: 5, classes: 3 })), 5 * 3 + 3);
  });

  it('rejects bad widths with the option named', () => {
    assert.throws(() => models.mlp({ hidden: [16, 0] }), /mlp: hidden\[1\] must be a positive integer, got 0/);
    assert.throws(() => models.mlp({ inputs: 2.5 }), /mlp: inputs must be a positive integer, got 2.5/);
    assert.throws(() => models.mlp({ dropout: 1 }), /mlp: dropout must be in \[0, 1\), got 1/);
  });
});

describe('models.anchorCnn', () => {
  it('is the ANCHORS.md CNN, with the PyTorch parameter count', () => {
    manualSeed(0);
    const net = models.anchorCnn();
    assert.equal(count(net), 32 * 9 + 32 + 64 * 32 * 9 + 64 + 64 * 12 * 12 * 128 + 128 + 128 * 10 + 10);
    assert.deepEqual(net.forward(randn([2, 1, 28, 28])).shape, [2, 10]);
  });
});

describe('models.digitCnn', () => {
  it('has the documented layers and parameter count', () => {
    manualSeed(0);
    const net = models.digitCnn();
    // conv5x5 1->32 (+bias), conv3x3 32->64 (no bias), batchnorm 64 (weight, bias), dense 64*7*7 -> 10.
    assert.equal(count(net), 32 * 25 + 32 + 64 * 32 * 9 + 2 * 64 + 64 * 7 * 7 * 10 + 10);
    assert.deepEqual(net.forward(randn([3, 1, 28, 28])).shape, [3, 10]);
  });

  it('adapts to channels, image size and classes', () => {
    manualSeed(0);
    const net = models.digitCnn({ channels: 3, imageSize: 16, classes: 4 });
    assert.deepEqual(net.forward(randn([2, 3, 16, 16])).shape, [2, 4]);
    const odd = models.digitCnn({ imageSize: 15 });
    assert.deepEqual(odd.forward(randn([2, 1, 15, 15])).shape, [2, 10]);
    assert.throws(() => models.digitCnn({ imageSize: 2 }), /digitCnn: imageSize must be at least 4, got 2/);
    assert.throws(() => models.digitCnn({ classes: 0 }), /digitCnn: classes must be a positive integer, got 0/);
  });

  it('learns: 40 Adam steps on 512 bundled digits cut the loss well below chance', () => {
    manualSeed(3);
    const net = models.digitCnn();
    const [x, y] = data.datasets.digits({ split: 'train' }).tensors as [Tensor, Tensor];
    const xs = x.slice(0, 0, 512);
    const ys = y.slice(0, 0, 512);
    const opt = new optim.Adam(net.parameters(), { lr: 3e-3 });
    let last = Infinity;
    for (let step = 0; step < 40; step++) {
      const from = (step * 64) % 512;
      last = tidy(() => {
        const loss = nn.functional.crossEntropy(net.forward(xs.slice(0, from, from + 64)), ys.slice(0, from, from + 64));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      });
    }
    // Chance is ln 10 = 2.30.
    assert.ok(last < 0.8, `the loss after 40 steps is ${last}`);
  });
});

describe('models registry', () => {
  it('finds models by name and alias, case-insensitively', () => {
    assert.equal(models.getModel('digit-cnn').name, 'digit-cnn');
    assert.equal(models.getModel('DigitCnn').name, 'digit-cnn');
    assert.equal(models.getModel('anchor-cnn').name, 'cnn');
    assert.equal(models.getModel('LeNet1989').name, 'lecun1989');
    assert.deepEqual(models.modelNames(), ['digit-cnn', 'cnn', 'mlp', 'lecun1989']);
    assert.throws(() => models.getModel('resnet'), /getModel: unknown model 'resnet'; known models: digit-cnn, cnn, mlp, lecun1989/);
  });

  it('builds each model for a matching input shape', () => {
    manualSeed(0);
    const image = { channels: 1, height: 28, width: 28, classes: 10 };
    for (const name of ['digit-cnn', 'cnn', 'mlp']) {
      assert.deepEqual((models.getModel(name).build(image).forward(randn([2, 1, 28, 28])) as Tensor).shape, [2, 10], name);
    }
    const lecun = models.getModel('lecun1989');
    assert.equal(lecun.input.size, 16);
    assert.deepEqual(lecun.input.range, [-1, 1]);
    assert.deepEqual((lecun.build({ channels: 1, height: 16, width: 16, classes: 10 }).forward(randn([2, 1, 16, 16])) as Tensor).shape, [2, 10]);
    assert.throws(() => lecun.build({ ...image, classes: 3 }), /lecun1989: is made for 1x16x16 images and 10 classes, got 1x28x28 and 3 classes/);
    const table = models.getModel('mlp').build({ channels: 1, height: 1, width: 7, classes: 3 });
    assert.deepEqual((table.forward(randn([5, 7])) as Tensor).shape, [5, 3]);
    assert.throws(() => models.getModel('cnn').build({ channels: 1, height: 28, width: 20, classes: 10 }), /cnn: expects square images, got 28x20/);
  });
});
