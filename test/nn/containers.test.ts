import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, tensor, Tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

/** y = x * k: a parameter-free layer whose effect is easy to see. */
class Scale extends nn.Module {
  constructor(readonly k: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.mul(this.k);
  }
}

describe('Sequential', () => {
  it('chains forward in order and names children 0, 1, ...', () => {
    const s = new nn.Sequential(new Scale(2), new Scale(3), new nn.Linear(1, 1));
    assert.equal(s.length, 3);
    assert.deepEqual([...s.namedChildren()].map(([n]) => n), ['0', '1', '2']);
    assert.deepEqual(Object.keys(s.stateDict()), ['2.weight', '2.bias']);
    const lin = s.at(2) as nn.Linear;
    const w = lin.weight.item();
    const b = lin.bias!.item();
    assertClose(s.forward(tensor([[1], [2]])), [[6 * w + b], [12 * w + b]]);
    assert.equal(s.at(-1), lin);
    assert.equal((s as unknown as Record<string, nn.Module>)['2'], lin);
  });

  it('takes named children from an object or a Map', () => {
    const s = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new Scale(1) });
    assert.deepEqual(Object.keys(s.stateDict()), ['fc.weight', 'fc.bias']);
    const m = new nn.Sequential(new Map<string, nn.Module>([['b', new Scale(2)], ['a', new Scale(5)]]));
    assertClose(m.forward(tensor([1])), [10]);
  });

  it('append, insert, pop, set, extend, slice and iteration', () => {
    const [a, b, c, d] = [new Scale(2), new Scale(3), new Scale(5), new Scale(7)];
    const s = new nn.Sequential(a);
    s.append(c).insert(1, b);
    assert.deepEqual([...s], [a, b, c]);
    assertClose(s.forward(tensor([1])), [30]);
    assert.equal(s.pop(0), a);
    assert.deepEqual([...s.namedChildren()].map(([n, m]) => [n, (m as Scale).k]), [['0', 3], ['1', 5]]);
    s.extend([d]);
    s.set(0, a);
    assert.deepEqual([...s].map((m) => (m as Scale).k), [2, 5, 7]);
    const tail = s.slice(1);
    assert.deepEqual([...tail].map((m) => (m as Scale).k), [5, 7]);
    assert.equal(tail.at(0), c, 'slices share modules');
    assert.throws(() => s.at(3), /Sequential\.at: index 3 is out of range for 3 module\(s\)/);
    assert.throws(() => s.append({} as nn.Module), /Sequential\.append: expects a Module/);
  });

  it('runs a layer appended twice twice, but counts its parameters once', () => {
    const lin = new nn.Linear(1, 1, { bias: false });
    const s = new nn.Sequential(lin, lin);
    assert.equal(s.parameters().length, 1);
    const w = lin.weight.item();
    assertClose(s.forward(tensor([[1]])), [[w * w]]);
  });

  it('an empty Sequential returns its input', () => {
    const x = tensor([1, 2]);
    assert.equal(new nn.Sequential().forward(x), x);
  });
});

describe('ModuleList', () => {
  it('registers its children so that their parameters are found', () => {
    class Net extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 1)]);
      plain = [new nn.Linear(2, 2)]; // arrays are not discovered, as in PyTorch
    }
    const net = new Net();
    assert.deepEqual(Object.keys(net.stateDict()), ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    assert.equal(net.layers.length, 2);
    assert.equal([...net.layers].length, 2);
    assert.throws(() => net.layers.forward(tensor([1])), /ModuleList: forward is not implemented/);
  });
});

describe('ModuleDict', () => {
  it('holds children by key in insertion order, any key allowed', () => {
    const d = new nn.ModuleDict({ train: new Scale(2), b: new nn.Linear(1, 1) });
    d.set('10', new Scale(3));
    assert.deepEqual([...d.keys()], ['train', 'b', '10']);
    assert.deepEqual(Object.keys(d.stateDict()), ['b.weight', 'b.bias']);
    assert.equal((d.get('train') as Scale).k, 2);
    assert.equal(d.has('b'), true);
    assert.equal(d.size, 3);
    assert.equal(d.delete('b'), true);
    assert.equal(d.has('b'), false);
    assert.deepEqual([...d].map(([k]) => k), ['train', '10']);
    assert.equal(typeof d.train, 'function', 'the key did not shadow the method');
    assert.throws(() => d.get('zz'), /no module under key 'zz' \(keys: train, 10\)/);
    d.clear();
    assert.equal(d.size, 0);
  });
});
