/** The Optimizer base: parameter groups, zeroGrad, step(closure), state dicts, option errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy, noGrad, isGradEnabled, optim } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Optimizer } from '../../src/optim/index.js';
import { assertThrowsMatching } from '../helpers.js';
import { GRADS, P0, assertTrajectory, param, refAdam, refSGD, runSteps } from './support.js';

/** One factory per optimizer, each with options that create every kind of state. */
const FACTORIES: [string, (params: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (ps) => new optim.Adam(ps, { lr: 0.1, amsgrad: true })],
  ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.1 })],
  ['RMSprop', (ps) => new optim.RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.01 })],
  ['Adadelta', (ps) => new optim.Adadelta(ps)],
  ['Adamax', (ps) => new optim.Adamax(ps)],
  ['NAdam', (ps) => new optim.NAdam(ps)],
  ['RAdam', (ps) => new optim.RAdam(ps)],
  ['LAMB', (ps) => new optim.LAMB(ps, { weightDecay: 0.01 })],
  ['LARS', (ps) => new optim.LARS(ps, { lr: 1, weightDecay: 1e-3 })],
  ['Lion', (ps) => new optim.Lion(ps, { weightDecay: 0.1 })],
];

const twoParams = (): Tensor[] => [param(), tensor([[0.3, -0.2], [0.1, 0.9]], { dtype: 'float64', requiresGrad: true })];

/** A deterministic loss of both parameters, so that gradients come from backward. */
function lossStep(opt: Optimizer, ps: Tensor[], k: number): void {
  opt.zeroGrad();
  ps[0]!.mul(k + 1).sin().sum().add(ps[1]!.matmul(ps[1]!).square().sum().mul(0.5 + k)).backward();
  opt.step();
}

describe('Optimizer state dicts', () => {
  for (const [name, make] of FACTORIES) {
    it(`${name}: training resumed from a state dict matches uninterrupted training`, () => {
      const a = twoParams();
      const optA = make(a);
      for (let k = 0; k < 3; k++) lossStep(optA, a, k);
      const saved = optA.stateDict();
      // A fresh model with the same values and a fresh optimizer, restored from the dict.
      const b = a.map((p) => p.detach().clone().requiresGrad_(true));
      const optB = make(b);
      optB.loadStateDict(saved);
      for (let k = 3; k < 6; k++) {
        lossStep(optA, a, k);
        lossStep(optB, b, k);
      }
      a.forEach((p, i) => assert.deepEqual([...b[i]!.toArray()], [...p.toArray()], `${name} parameter ${i}`));
    });
  }

  it('number parameters across groups and copy the state', () => {
    const [p, q] = twoParams();
    const r = param([1, 2]);
    const opt = new optim.Adam([{ params: [p!, q!] }, { params: [r!], lr: 0.5 }], { lr: 0.1 });
    p!.grad = tensor(GRADS[0]!, { dtype: 'float64' });
    r!.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0, 1], [2]]);
    assert.deepEqual(Object.keys(sd.state).sort(), ['0', '2']); // q had no gradient: no state
    assert.equal(sd.paramGroups[1]!['lr'], 0.5);
    assert.deepEqual(sd.paramGroups[0]!['betas'], [0.9, 0.999]);
    const expAvg = sd.state[0]!['expAvg'] as Tensor;
    assert.notEqual(expAvg.storage, (opt.state.get(p!)!['expAvg'] as Tensor).storage);
    expAvg.fill_(100); // the dict is a copy
    assert.ok((opt.state.get(p!)!['expAvg'] as Tensor).toArray()[0]! < 1);
    assert.equal(sd.state[0]!['step'], 1);
  });

  it('restore group options and copy the loaded state', () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    runSteps(opt, p, GRADS.slice(0, 1));
    const sd = opt.stateDict();
    sd.paramGroups[0]!['lr'] = 0.01;
    const q = param();
    const other = new optim.SGD([q], { lr: 0.1, momentum: 0.9 });
    other.loadStateDict(sd);
    assert.equal(other.paramGroups[0]!.lr, 0.01);
    const buf = other.state.get(q)!['momentumBuffer'] as Tensor;
    assert.notEqual(buf.storage, (sd.state[0]!['momentumBuffer'] as Tensor).storage);
    assert.equal(other.paramGroups[0]!.params[0], q);
  });

  it('cast loaded state to the parameter dtype', () => {
    const p = param();
    const opt = new optim.Adam([p]);
    runSteps(opt, p, GRADS.slice(0, 1));
    const q = tensor(P0, { requiresGrad: true }); // float32
    const other = new optim.Adam([q]);
    other.loadStateDict(opt.stateDict());
    assert.equal((other.state.get(q)!['expAvg'] as Tensor).dtype, 'float32');
  });

  it('refuse dicts that do not fit, changing nothing', () => {
    const p = param();
    const opt = new optim.Adam([p], { lr: 0.1 });
    runSteps(opt, p, GRADS.slice(0, 1));
    const sd = opt.stateDict();
    const two = new optim.Adam([{ params: [param()] }, { params: [param()] }]);
    assertThrowsMatching(() => two.loadStateDict(sd), /Adam\.loadStateDict: the state dict has 1 parameter group\(s\), the optimizer has 2/);
    const bigger = new optim.Adam([param(), param()]);
    assertThrowsMatching(() => bigger.loadStateDict(sd), /parameter group 0 has 1 parameters in the state dict, 2 in the optimizer/);
    const wrongShape = new optim.Adam([param([1, 2])], { lr: 0.3 });
    assertThrowsMatching(() => wrongShape.loadStateDict(sd), /state 'expAvg' of parameter 0 has shape \[4\], the parameter has \[2\]/);
    assert.equal(wrongShape.paramGroups[0]!.lr, 0.3);
    assert.equal(wrongShape.state.size, 0);
    const sgd = new optim.SGD([param()]);
    assertThrowsMatching(() => sgd.loadStateDict(sd), /SGD\.loadStateDict: unknown option 'betas' in parameter group 0/);
    const bad = { ...sd, paramGroups: [{ ...sd.paramGroups[0]!, lr: -1 }] };
    assertThrowsMatching(() => new optim.Adam([param()]).loadStateDict(bad), /Adam: lr must be a finite number >= 0, got -1/);
    assertThrowsMatching(() => opt.loadStateDict({ state: {}, paramGroups: [{ params: [7] }] } as never), /lacks option 'lr'/);
    assertThrowsMatching(() => opt.loadStateDict({ state: { 5: {} }, paramGroups: sd.paramGroups }), /state for parameter 5, which no group holds/);
    assertThrowsMatching(() => opt.loadStateDict(null as never), /expected an object \{ state, paramGroups \}/);
  });
});

describe('Optimizer parameter groups', () => {
  it('apply each group its own options', () => {
    const p = param();
    const q = param();
    const opt = new optim.SGD(
      [
        { params: [p], lr: 0.5, momentum: 0.9 },
        { params: [q], weightDecay: 0.1 },
      ],
      { lr: 0.1 },
    );
    assert.equal(opt.paramGroups[1]!.lr, 0.1);
    assert.equal(opt.paramGroups[1]!.momentum, 0);
    const seenP: number[][] = [];
    const seenQ: number[][] = [];
    for (const g of GRADS) {
      p.grad = tensor(g, { dtype: 'float64' });
      q.grad = tensor(g, { dtype: 'float64' });
      opt.step();
      seenP.push([...p.toArray()]);
      seenQ.push([...q.toArray()]);
    }
    assertTrajectory(seenP, refSGD(P0, GRADS, { lr: 0.5, momentum: 0.9 }), 'group 0');
    assertTrajectory(seenQ, refSGD(P0, GRADS, { lr: 0.1, weightDecay: 0.1 }), 'group 1');
  });

  it('take groups added later, with the defaults they leave out', () => {
    const p = param();
    const q = param();
    const opt = new optim.Adam([p], { lr: 0.1, betas: [0.8, 0.9] });
    opt.addParamGroup({ params: q, lr: 0.2 });
    assert.equal(opt.paramGroups.length, 2);
    assert.deepEqual(opt.paramGroups[1]!.betas, [0.8, 0.9]);
    assertTrajectory(runSteps(opt, q, GRADS), refAdam(P0, GRADS, { lr: 0.2, betas: [0.8, 0.9] }));
    assertThrowsMatching(() => opt.addParamGroup({ params: [p] }), /a parameter of the new group 2 is already in group 0/);
  });

  it('accept a single tensor and any iterable', () => {
    const p = param();
    assert.equal(new optim.SGD(p).paramGroups[0]!.params[0], p);
    const set = new Set([param(), param()]);
    assert.equal(new optim.SGD(set.values()).paramGroups[0]!.params.length, 2);
  });

  it('reject bad parameter lists', () => {
    const p = param();
    assertThrowsMatching(() => new optim.SGD([]), /SGD: got an empty parameter list/);
    assertThrowsMatching(() => new optim.SGD([p, p]), /parameter 1 of group 0 appears twice/);
    assertThrowsMatching(() => new optim.SGD([p.mul(2)]), /parameter 0 of group 0 is not a leaf tensor/);
    assertThrowsMatching(() => new optim.SGD([tensor([1, 2], { dtype: 'int32' })]), /is int32; only floating-point tensors can be optimized/);
    assertThrowsMatching(() => new optim.SGD([{ params: [p] }, { params: [p] }]), /already in group 0/);
    assertThrowsMatching(() => new optim.SGD([[1, 2]] as never), /SGD: params\[0\] must be a Tensor or a parameter group \{ params, \.\.\.options \}, got an array/);
    assertThrowsMatching(() => new optim.SGD([{ params: [p, 3] }] as never), /SGD: parameter 1 of group 0 is not a Tensor \(got number\)/);
    assertThrowsMatching(() => new optim.SGD(42 as never), /params must be an iterable/);
    assertThrowsMatching(() => new optim.SGD([{ params: [p], weight_decay: 1 } as never]), /unknown option 'weight_decay' in parameter group 0/);
    assertThrowsMatching(() => new optim.SGD([{ params: [p], lr: -1 }]), /SGD: lr must be a finite number >= 0, got -1/);
  });
});

describe('Optimizer steps', () => {
  it('skip parameters without a gradient', () => {
    const p = param();
    const q = param();
    const opt = new optim.Adam([p, q], { lr: 0.1 });
    p.grad = tensor(GRADS[0]!, { dtype: 'float64' });
    opt.step();
    assert.deepEqual([...q.toArray()], P0);
    assert.equal(opt.state.has(q), false);
  });

  it('zeroGrad sets gradients to null by default, or to zeros', () => {
    const p = param();
    p.grad = tensor([1, 2, 3, 4], { dtype: 'float64' });
    const opt = new optim.SGD([p]);
    const grad = p.grad;
    opt.zeroGrad(false);
    assert.equal(p.grad, grad);
    assert.deepEqual([...grad.toArray()], [0, 0, 0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  it('step runs the closure with gradients enabled and returns its loss', () => {
    const p = param([3]);
    const opt = new optim.SGD([p], { lr: 0.25 });
    const loss = noGrad(() =>
      opt.step(() => {
        assert.equal(isGradEnabled(), true);
        opt.zeroGrad();
        const l = p.square().sum();
        l.backward();
        return l;
      }),
    );
    assert.equal(loss?.item(), 9);
    assert.deepEqual([...p.toArray()], [1.5]); // 3 - 0.25 * 6
    assert.equal(opt.step(), undefined);
  });

  it('keep their state alive when called inside tidy', () => {
    const p = param();
    const opt = new optim.Adam([p], { lr: 0.1 });
    for (const g of GRADS) {
      tidy(() => {
        p.grad = tensor(g, { dtype: 'float64' });
        opt.step();
      });
    }
    assertTrajectory([[...p.toArray()]], [refAdam(P0, GRADS, { lr: 0.1 })[2]!]);
  });

  it('record nothing in the graph', () => {
    const p = param();
    const opt = new optim.RMSprop([p], { momentum: 0.9, centered: true });
    runSteps(opt, p, GRADS);
    assert.equal(p.isLeaf, true);
    assert.equal(p.requiresGrad, true);
    for (const v of Object.values(opt.state.get(p)!)) if (typeof v !== 'number') assert.equal(v.requiresGrad, false);
  });
});

describe('optimizer option errors', () => {
  const p = (): Tensor => param();
  const cases: [() => unknown, RegExp][] = [
    [() => new optim.SGD([p()], { lr: -0.1 }), /^SGD: lr must be a finite number >= 0, got -0\.1$/],
    [() => new optim.SGD([p()], { lr: NaN }), /SGD: lr must be a finite number >= 0, got NaN/],
    [() => new optim.SGD([p()], { momentum: -1 }), /SGD: momentum must be a finite number >= 0/],
    [() => new optim.SGD([p()], { nesterov: true }), /SGD: nesterov momentum needs momentum > 0 and dampening 0, got momentum 0/],
    [() => new optim.SGD([p()], { nesterov: true, momentum: 0.9, dampening: 0.1 }), /dampening 0\.1/],
    [() => new optim.SGD([p()], { weightDecay: -1e-4 }), /SGD: weightDecay must be a finite number >= 0/],
    [() => new optim.SGD([p()], { fused: 'yes' as never }), /SGD: fused must be true or false/],
    [() => new optim.Adam([p()], { betas: [1, 0.999] }), /^Adam: betas\[0\] must be in \[0, 1\), got 1$/],
    [() => new optim.Adam([p()], { betas: [0.9, -0.1] }), /Adam: betas\[1\] must be in \[0, 1\), got -0\.1/],
    [() => new optim.Adam([p()], { betas: [0.9] as never }), /Adam: betas must be a pair \[beta1, beta2\], got \[0\.9\]/],
    [() => new optim.Adam([p()], { eps: -1 }), /Adam: eps must be a finite number >= 0/],
    [() => new optim.Adam([p()], { amsgrad: 1 as never }), /Adam: amsgrad must be true or false, got 1/],
    [() => new optim.Adam([p()], { weight_decay: 0.1 } as never), /Adam: unknown option 'weight_decay' \(known: lr, betas/],
    [() => new optim.AdamW([p()], { weightDecay: -1 }), /AdamW: weightDecay must be a finite number >= 0/],
    [() => new optim.AdamW([p()], { decoupledWeightDecay: false } as never), /AdamW: unknown option 'decoupledWeightDecay'/],
    [() => new optim.AdamW([{ params: [p()], decoupledWeightDecay: false }]), /AdamW: decoupledWeightDecay is always true; use Adam/],
    [() => new optim.RMSprop([p()], { alpha: -0.5 }), /RMSprop: alpha must be a finite number >= 0/],
    [() => new optim.Adagrad([p()], { lrDecay: -1 }), /Adagrad: lrDecay must be/],
    [() => new optim.Adagrad([p()], { initialAccumulatorValue: -1 }), /Adagrad: initialAccumulatorValue must be/],
    [() => new optim.Adadelta([p()], { rho: 1.5 }), /Adadelta: rho must be in \[0, 1\], got 1\.5/],
    [() => new optim.Adamax([p()], { betas: [0.9, 1] }), /Adamax: betas\[1\] must be in \[0, 1\)/],
    [() => new optim.NAdam([p()], { momentumDecay: -1 }), /NAdam: momentumDecay must be/],
    [() => new optim.RAdam([p()], { lr: -1 }), /RAdam: lr must be/],
    [() => new optim.LAMB([p()], { betas: [2, 0.9] }), /LAMB: betas\[0\] must be in \[0, 1\)/],
    [() => new optim.LARS([p()], { trustCoefficient: -1 }), /LARS: trustCoefficient must be/],
    [() => new optim.LARS([p()], { nesterov: true, momentum: 0 }), /LARS: nesterov momentum needs momentum > 0/],
    [() => new optim.Lion([p()], { betas: [0.9, 1.2] }), /Lion: betas\[1\] must be in \[0, 1\), got 1\.2/],
    [() => new optim.Lion([p()], null as never), /Lion: options must be an object, got null/],
  ];
  for (const [fn, pattern] of cases) it(`throws ${pattern.source}`, () => assertThrowsMatching(fn, pattern));
});
