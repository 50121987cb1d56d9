/**
 * A short tour of Tessera's tensor and autograd API: run with `npm start`.
 * Fits y = 3x - 2 + noise with plain autograd and SGD, then takes a second derivative.
 */
import { tensor, randn, manualSeed, noGrad, grad, linspace } from '../src/index.js';

manualSeed(0);

// Tensors: PyTorch's semantics, TypeScript's idioms.
const a = tensor([[1, 2, 3], [4, 5, 6]]);
console.log('a =', a.toString());
console.log('a.sum(1) =', a.sum(1).toString(), ' a.T.shape =', a.T.shape);
console.log('broadcast a + [10, 20, 30] =', a.add(tensor([10, 20, 30])).toString());

// Autograd: fit a line with gradient descent.
const x = linspace(-1, 1, 64).unsqueeze(1);
const y = x.mul(3).sub(2).add(randn([64, 1]).mul(0.1));
const w = randn([1, 1], { requiresGrad: true });
const b = tensor([0], { requiresGrad: true });
for (let step = 0; step <= 200; step++) {
  const loss = x.matmul(w).add(b).sub(y).square().mean();
  loss.backward();
  noGrad(() => {
    w.sub_(w.grad!.mul(0.1));
    b.sub_(b.grad!.mul(0.1));
  });
  w.grad = null;
  b.grad = null;
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(5)}`);
}
console.log(`fitted w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)} (true: 3, -2)`);

// Higher-order gradients: d²/dt² sin(t) = -sin(t).
const t = tensor([0.5], { dtype: 'float64', requiresGrad: true });
const [dt] = grad(t.sin(), [t], { createGraph: true });
const [d2t] = grad(dt!, [t]);
console.log(`sin''(0.5) = ${d2t!.item().toFixed(6)}, -sin(0.5) = ${(-Math.sin(0.5)).toFixed(6)}`);
