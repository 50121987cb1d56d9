import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, Tensor } from '../../src/index.js';

const cnn = () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(18, 4));

describe('summary', () => {
  it('lists every module with its output shape and own parameter count', () => {
    const s = nn.summary(cnn(), [1, 1, 8, 8]);
    assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params]), [
      ['', 'Sequential', [1, 4], 0],
      ['0', 'Conv2d', [1, 2, 6, 6], 20],
      ['1', 'MaxPool2d', [1, 2, 3, 3], 0],
      ['2', 'Flatten', [1, 18], 0],
      ['3', 'Linear', [1, 4], 76],
    ]);
    assert.equal(s.totalParams, 96);
    assert.equal(s.trainableParams, 96);
    assert.equal(s.toString(), [
      'Layer (type)   Output shape  Params',
      '-----------------------------------',
      'Sequential     [1,4]              0',
      '0 (Conv2d)     [1,2,6,6]         20',
      '1 (MaxPool2d)  [1,2,3,3]          0',
      '2 (Flatten)    [1,18]             0',
      '3 (Linear)     [1,4]             76',
      '-----------------------------------',
      'Total params: 96',
      'Trainable params: 96',
      'Non-trainable params: 0',
    ].join('\n'));
  });

  it('counts frozen and shared parameters once, nests names, and marks modules that did not run', () => {
    class Net extends nn.Module {
      body = new nn.Sequential(new nn.Linear(3, 3), new nn.Linear(3, 3));
      unused = new nn.Linear(3, 1);
      constructor() {
        super();
        this.body.append(this.body.at(0)); // reuse the first layer
      }
      override forward(x: Tensor): Tensor {
        return this.body.forward(x);
      }
    }
    const net = new Net();
    net.unused.requiresGrad_(false);
    const s = nn.summary(net, [2, 3]);
    assert.deepEqual(s.rows.map((r) => [r.name, r.depth, r.outputShape, r.params]), [
      ['', 0, [2, 3], 0],
      ['body', 1, [2, 3], 0],
      ['body.0', 2, [2, 3], 12],
      ['body.1', 2, [2, 3], 12],
      ['unused', 1, null, 4],
    ]);
    assert.equal(s.totalParams, 28);
    assert.equal(s.trainableParams, 24);
    assert.match(s.text, /\n  0 \(Linear\)\s+\[2,3\]\s+12\n/);
    assert.match(s.text, /\nunused \(Linear\)\s+-\s+4\n/);
  });

  it('takes several input shapes, and several outputs', () => {
    class Two extends nn.Module {
      bil = new nn.Bilinear(2, 3, 4);
      override forward(a: Tensor, b: Tensor): Tensor[] {
        return [this.bil.forward(a, b), a];
      }
    }
    const s = nn.summary(new Two(), [[5, 2], [5, 3]]);
    assert.deepEqual(s.rows[0]!.outputShape, [[5, 4], [5, 2]]);
    assert.deepEqual(s.rows[1]!.outputShape, [5, 4]);
    assert.match(s.text, /\[5,4\], \[5,2\]/);
  });

  it('runs in eval mode without gradients, then restores modes and removes its hooks', () => {
    const model = cnn();
    model.at(1).eval();
    const modes: boolean[] = [];
    model.at(0).registerForwardHook((m, _a, out) => {
      modes.push(m.training, (out as Tensor).requiresGrad);
    });
    nn.summary(model, [1, 1, 8, 8]);
    assert.deepEqual(modes, [false, false]);
    assert.deepEqual([...model.modules()].map((m) => m.training), [true, true, false, true, true]);
    assert.deepEqual(nn.summary(model, [1, 1, 8, 8], { eval: false }).rows.length, 5);
    assert.equal(modes[2], true);
    assert.throws(() => nn.summary(model, [1, -1]), /input shape \[1,-1\] must hold non-negative integers/);
  });
});
