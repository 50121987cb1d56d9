import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, ones, tensor, zeros, Tensor, randn, manualSeed } from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { Module, Parameter } = nn;

class Affine extends Module {
  weight = new Parameter(ones([3]));
  bias: nn.Parameter | null = new Parameter(zeros([3]));
  declare count: Tensor;
  constructor(bias = true) {
    super();
    if (!bias) this.bias = null;
    this.registerBuffer('count', zeros([], { dtype: 'int32' }));
  }
  override forward(x: Tensor): Tensor {
    const y = x.mul(this.weight);
    return this.bias ? y.add(this.bias) : y;
  }
}

class Net extends Module {
  a = new Affine();
  b = new Affine(false);
  scale = new Parameter(tensor([2]));
  constructor() {
    super();
    this.registerBuffer('scratch', zeros([2]), false);
  }
  override forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x)).mul(this.scale);
  }
}

describe('Parameter', () => {
  it('is a leaf that requires grad and shares storage with its tensor', () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    assert.ok(p instanceof Tensor);
    assert.equal(p.requiresGrad, true);
    assert.equal(p.isLeaf, true);
    assert.equal(p.storage, t.storage);
    assert.equal(new Parameter(t, false).requiresGrad, false);
  });

  it('detaches a tensor that had a history, and rejects integer tensors that would need gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const p = new Parameter(x.mul(2));
    assert.equal(p.isLeaf, true);
    assert.throws(() => new Parameter(tensor([1], { dtype: 'int32' })), /only floating-point tensors/);
    assert.equal(new Parameter(tensor([1], { dtype: 'int32' }), false).dtype, 'int32');
  });
});

describe('Module registration and traversal', () => {
  it('finds field parameters in declaration order, then registered ones, and children recursively', () => {
    const net = new Net();
    assert.deepEqual([...net.namedParameters()].map(([n]) => n), ['scale', 'a.weight', 'a.bias', 'b.weight']);
    assert.deepEqual([...net.namedChildren()].map(([n]) => n), ['a', 'b']);
    assert.deepEqual([...net.namedModules()].map(([n]) => n), ['', 'a', 'b']);
    assert.equal(net.parameters().length, 4);
    assert.equal(net.parameters(false).length, 1);
    assert.deepEqual([...net.namedBuffers()].map(([n]) => n), ['scratch', 'a.count', 'b.count']);
    assert.equal(net.numParameters(), 1 + 3 + 3 + 3);
  });

  it('deduplicates shared parameters and modules', () => {
    const shared = new Affine();
    const m = new Module();
    m.registerModule('x', shared);
    m.registerModule('y', shared);
    const p = new Parameter(ones([2]));
    m.registerParameter('p', p);
    m.registerParameter('q', p);
    assert.deepEqual([...m.namedParameters()].map(([n]) => n), ['p', 'x.weight', 'x.bias']);
    assert.equal([...m.modules()].length, 2);
  });

  it('sees fields reassigned after construction, and keeps null slots out of the lists', () => {
    const a = new Affine();
    a.bias = null;
    assert.deepEqual([...a.namedParameters()].map(([n]) => n), ['weight']);
    a.bias = new Parameter(zeros([3]));
    assert.deepEqual([...a.namedParameters()].map(([n]) => n), ['weight', 'bias']);
    assert.throws(() => {
      (a as unknown as { weight: Tensor }).weight = zeros([3]);
      a.parameters();
    }, /holds a plain Tensor where a Parameter was/);
  });

  it('registered names read and write through properties', () => {
    const a = new Affine();
    assert.equal(a.count.dtype, 'int32');
    const c = tensor([5], { dtype: 'int32' });
    a.count = c;
    assert.equal(a.getBuffer('count'), c);
    const m = new Module();
    m.registerParameter('weight_orig', new Parameter(ones([2])));
    assert.ok((m as unknown as Record<string, Tensor>)['weight_orig'] instanceof Parameter);
    assert.throws(() => {
      (m as unknown as Record<string, unknown>)['weight_orig'] = zeros([2]);
    }, /cannot assign a float32 Tensor of shape \[2\] to parameter 'weight_orig'/);
  });

  it('rejects bad registrations', () => {
    const a = new Affine();
    assert.throws(() => a.registerParameter('x', zeros([2]) as nn.Parameter), /must be a Parameter or null/);
    assert.throws(() => a.registerBuffer('a.b', zeros([2])), /without '\.'/);
    assert.throws(() => a.registerBuffer('weight', zeros([2])), /already an attribute/);
    assert.throws(() => a.registerParameter('count', null), /already a buffer/);
    assert.throws(() => a.registerModule('forward', new Affine()), /already an attribute/);
  });

  it('unregister frees a parameter name for a plain tensor (as weight normalization needs)', () => {
    const a = new Affine();
    a.unregister('weight');
    (a as unknown as { weight: Tensor }).weight = ones([3]);
    assert.deepEqual([...a.namedParameters()].map(([n]) => n), ['bias']);
    a.unregister('count');
    assert.deepEqual(Object.keys(a.stateDict()), ['bias']);
  });

  it('getSubmodule, getParameter and getBuffer follow dotted paths', () => {
    const net = new Net();
    assert.equal(net.getSubmodule('a'), net.a);
    assert.equal(net.getSubmodule(''), net);
    assert.equal(net.getParameter('a.weight'), net.a.weight);
    // A null field seen before any Parameter is just a field; registerParameter(name, null) makes an empty slot.
    assert.throws(() => net.getParameter('b.bias'), /Affine has no parameter 'bias'/);
    net.b.registerParameter('extra', null);
    assert.equal(net.getParameter('b.extra'), null);
    assert.equal(net.getBuffer('a.count'), net.a.count);
    assert.throws(() => net.getSubmodule('a.z'), /Affine has no submodule 'z'/);
    assert.throws(() => net.getParameter('a.nope'), /no parameter 'nope'/);
  });

  it('a module without forward says so', () => {
    assert.throws(() => new Module().forward(), /Module: forward is not implemented/);
  });
});

describe('train, eval, freezing, zeroGrad, apply', () => {
  it('train()/eval() set `training` on every descendant', () => {
    const net = new Net();
    assert.equal(net.training, true);
    assert.equal(net.eval(), net);
    assert.deepEqual([...net.modules()].map((m) => m.training), [false, false, false]);
    net.a.train();
    assert.deepEqual([...net.modules()].map((m) => m.training), [false, true, false]);
    net.train();
    assert.deepEqual([...net.modules()].map((m) => m.training), [true, true, true]);
  });

  it('requiresGrad_(false) freezes: no gradients reach the parameters', () => {
    const net = new Net();
    net.a.requiresGrad_(false);
    net.forward(tensor([1, 2, 3])).sum().backward();
    assert.equal(net.a.weight.grad, null);
    assert.ok(net.b.weight.grad !== null);
    assert.equal(net.numParameters({ trainable: true }), 4);
  });

  it('zeroGrad clears to null or to zeros', () => {
    const net = new Net();
    net.forward(tensor([1, 2, 3])).sum().backward();
    net.zeroGrad(false);
    assertClose(net.a.weight.grad!, [0, 0, 0]);
    net.zeroGrad();
    assert.equal(net.a.weight.grad, null);
  });

  it('apply visits children before the parent', () => {
    const seen: string[] = [];
    const net = new Net();
    net.apply((m) => seen.push(m === net ? 'net' : m === net.a ? 'a' : 'b'));
    assert.deepEqual(seen, ['a', 'b', 'net']);
  });
});

describe('stateDict and loadStateDict', () => {
  it('lists parameters then persistent buffers per module, detached and sharing storage', () => {
    const net = new Net();
    const sd = net.stateDict();
    assert.deepEqual(Object.keys(sd), ['scale', 'a.weight', 'a.bias', 'a.count', 'b.weight', 'b.count']);
    assert.equal(sd['a.weight']!.requiresGrad, false);
    assert.equal(sd['a.weight']!.storage, net.a.weight.storage);
    assert.equal(net.stateDict({ keepVars: true })['a.weight'], net.a.weight);
    assert.deepEqual(Object.keys(net.stateDict({ prefix: 'model.' })).slice(0, 1), ['model.scale']);
  });

  it('round-trips: values copied in place into another model', () => {
    manualSeed(1);
    const src = new Net();
    for (const p of src.parameters()) p.requiresGrad_(false).copy_(randn(p.shape));
    src.a.count = tensor(7, { dtype: 'int32' });
    const dst = new Net();
    const weight = dst.a.weight;
    const result = dst.loadStateDict(src.stateDict());
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
    assert.equal(dst.a.weight, weight, 'parameters keep their identity');
    for (const [k, v] of Object.entries(src.stateDict())) assertClose(dst.stateDict()[k]!, v, { message: k });
    const x = tensor([0.5, -1, 2]);
    assertClose(dst.forward(x), src.forward(x));
    // A Map works too.
    new Net().loadStateDict(new Map(Object.entries(src.stateDict())));
  });

  it('strict mode lists missing and unexpected keys and shape mismatches in one error', () => {
    const net = new Net();
    const sd = net.stateDict();
    delete sd['a.bias'];
    sd['extra.weight'] = zeros([1]);
    sd['b.weight'] = zeros([4]);
    assert.throws(() => net.loadStateDict(sd), (e: Error) => {
      assert.match(e.message, /loadStateDict: error\(s\) in loading the state dict for Net/);
      assert.match(e.message, /missing key\(s\): "a\.bias"/);
      assert.match(e.message, /unexpected key\(s\): "extra\.weight"/);
      assert.match(e.message, /size mismatch for b\.weight: copying a tensor of shape \[4\] from the state dict, the shape in the current model is \[3\]/);
      return true;
    });
  });

  it('non-strict mode reports keys, still fails on shape mismatches, and copies nothing on failure', () => {
    const net = new Net();
    const sd: Record<string, Tensor> = { 'a.weight': tensor([7, 8, 9]), junk: zeros([1]) };
    const r = net.loadStateDict(sd, { strict: false });
    assert.deepEqual(r.unexpectedKeys, ['junk']);
    assert.ok(r.missingKeys.includes('a.bias') && !r.missingKeys.includes('a.weight'));
    assertClose(net.a.weight, [7, 8, 9]);
    assert.throws(() => net.loadStateDict({ 'a.weight': zeros([1]), 'a.bias': tensor([1, 1, 1]) }, { strict: false }), /size mismatch for a\.weight/);
    assertClose(net.a.bias!, [0, 0, 0]);
    assert.throws(() => net.loadStateDict({ scale: 3 as unknown as Tensor }, { strict: false }), /'scale' is number 3, not a Tensor/);
  });

  it('casts values to the parameter dtype', () => {
    const net = new Net();
    net.loadStateDict({ 'a.weight': tensor([1, 2, 3], { dtype: 'float64' }) }, { strict: false });
    assert.equal(net.a.weight.dtype, 'float32');
    assertClose(net.a.weight, [1, 2, 3]);
  });
});

describe('to(dtype)', () => {
  it('casts floating parameters and buffers, keeps sharing and requiresGrad, leaves int buffers', () => {
    const m = new Module();
    const p = new Parameter(ones([2]));
    m.registerParameter('p', p);
    m.registerParameter('q', p);
    m.registerBuffer('f', zeros([2]));
    m.registerBuffer('i', zeros([2], { dtype: 'int32' }));
    const frozen = new Affine();
    frozen.requiresGrad_(false);
    m.registerModule('child', frozen);
    m.double();
    const sd = m.stateDict({ keepVars: true });
    assert.equal(sd['p']!.dtype, 'float64');
    assert.equal(sd['p'], sd['q']);
    assert.equal(sd['f']!.dtype, 'float64');
    assert.equal(sd['i']!.dtype, 'int32');
    assert.equal(frozen.weight.dtype, 'float64');
    assert.equal(frozen.weight.requiresGrad, false);
    assert.equal(frozen.parameters().length, 2);
    m.float();
    assert.equal(m.stateDict()['p']!.dtype, 'float32');
  });
});

describe('forward hooks', () => {
  it('fire on forward, can replace arguments and outputs, and are removable', () => {
    const a = new Affine();
    const pre = a.registerForwardPreHook((_m, args) => [(args[0] as Tensor).mul(2)]);
    const post = a.registerForwardHook((_m, _args, out) => (out as Tensor).add(1));
    assertClose(a.forward(tensor([1, 2, 3])), [3, 5, 7]);
    assertClose(a.call(tensor([1, 2, 3])), [3, 5, 7]);
    pre.remove();
    post.remove();
    assertClose(a.forward(tensor([1, 2, 3])), [1, 2, 3]);
    assert.equal(Object.prototype.hasOwnProperty.call(a, 'forward'), false);
  });
});

describe('printing', () => {
  it('prints the tree like PyTorch, with parameter counts', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Sequential(new nn.Flatten(), new nn.Linear(3, 1, { bias: false })));
    assert.equal(model.toString(), [
      'Sequential(',
      '  (0): Linear(inFeatures=4, outFeatures=3, bias=true)  # 15 params',
      '  (1): Sequential(',
      '    (0): Flatten(startDim=1, endDim=-1)',
      '    (1): Linear(inFeatures=3, outFeatures=1, bias=false)  # 3 params',
      '  )  # 3 params',
      ')  # 18 params, 18 trainable',
    ].join('\n'));
    model.at(0).requiresGrad_(false);
    assert.match(model.toString(), /# 18 params, 3 trainable$/);
    assert.equal(new nn.Identity().toString(), 'Identity()');
  });
});

describe('forward hooks on an instance forward', () => {
  it('wrap a forward assigned to the instance and restore it afterwards', () => {
    const a = new Affine();
    const own = (x: Tensor) => x.mul(10);
    a.forward = own;
    const h = a.registerForwardHook((_m, _args, out) => (out as Tensor).add(1));
    assertClose(a.forward(tensor([1])), [11]);
    h.remove();
    assert.equal(a.forward, own);
  });
});

describe('state dict of shared modules', () => {
  it('lists a shared child under every name, as PyTorch does, and loads into both', () => {
    const lin = new nn.Linear(2, 2);
    const s = new nn.Sequential(lin, lin);
    assert.deepEqual(Object.keys(s.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal(s.parameters().length, 2);
    const sd = s.stateDict();
    assert.deepEqual(s.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] });
  });
});
