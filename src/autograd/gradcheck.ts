/**
 * Checks analytical gradients against central finite differences, in float64. Analytical Jacobian
 * rows come from one backward pass per output element; numerical columns from two forward passes per
 * input element, perturbing the input's storage in place.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { allOffsets } from '../backend/js/strided.js';
import { fromArray, zerosLike } from '../tensor/creation.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { grad } from './functional.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw a descriptive error on mismatch (default); otherwise return false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function asList(out: Tensor | readonly Tensor[]): Tensor[] {
  return Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
}

function checkInputs(op: string, inputs: readonly Tensor[]): void {
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: input ${i} is not a tensor`);
    if (!t.requiresGrad) return;
    if (t.dtype !== 'float64') {
      throw new Error(`${op}: input ${i} is ${t.dtype}; finite differences need float64 inputs (use .double())`);
    }
    for (let d = 0; d < t.ndim; d++) {
      if (t.strides[d] === 0 && t.shape[d]! > 1) {
        throw new Error(`${op}: input ${i} (shape [${t.shape}]) has overlapping memory (an expanded view); pass a contiguous copy`);
      }
    }
  });
}

/**
 * Returns true when d(fn)/d(input) matches finite differences for every input that requires grad.
 *
 * ```ts
 * const x = randn([3], { dtype: 'float64', requiresGrad: true });
 * gradcheck((x) => x.tanh(), [x]); // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  checkInputs('gradcheck', inputs);
  const wrt = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const outputs = asList(fn(...inputs));

  // `o` indexes all outputs (the finite differences below re-run fn and pick output o).
  for (const [o, out] of outputs.entries()) {
    if (!isFloating(out.dtype)) continue;
    const n = out.numel;
    // Analytical: one vector-Jacobian product per output element.
    const analytical: Float64Array[][] = wrt.map((i) => Array.from({ length: n }, () => new Float64Array(inputs[i]!.numel)));
    if (out.requiresGrad) {
      for (let k = 0; k < n; k++) {
        const onehot = new Float64Array(n);
        onehot[k] = 1;
        const g = fromArray(out.dtype === 'float64' ? onehot : new Float32Array(onehot), out.shape, out.dtype);
        const grads = grad([out], wrt.map((i) => inputs[i]!), { gradOutputs: [g], retainGraph: true, allowUnused: true });
        grads.forEach((gi, w) => {
          if (gi === null) return;
          analytical[w]![k]!.set(gi.contiguous().to('float64').toArray() as Float64Array);
        });
      }
    }
    // Numerical: central differences on each input element.
    for (const [w, i] of wrt.entries()) {
      const input = inputs[i]!;
      const offsets = allOffsets(input.shape, input.strides, input.offset);
      const data = input.data;
      for (let j = 0; j < offsets.length; j++) {
        const off = offsets[j]!;
        const orig = data[off]!;
        data[off] = orig + eps;
        const plus = noGrad(() => asList(fn(...inputs))[o]!).to('float64').toArray();
        data[off] = orig - eps;
        const minus = noGrad(() => asList(fn(...inputs))[o]!).to('float64').toArray();
        data[off] = orig;
        for (let k = 0; k < n; k++) {
          const numerical = (plus[k]! - minus[k]!) / (2 * eps);
          const a = analytical[w]![k]![j]!;
          const bothNaN = Number.isNaN(a) && Number.isNaN(numerical);
          if (!bothNaN && !(Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical))) {
            if (!raise) return false;
            throw new Error(
              `gradcheck: Jacobian mismatch for output ${o} element ${k} w.r.t. input ${i} element ${j}: ` +
                `analytical ${a}, numerical ${numerical} (atol ${atol}, rtol ${rtol})`,
            );
          }
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of the function (inputs, v) -> grad(fn(inputs), inputs, v)
 * with `createGraph`, where v are fixed random output gradients.
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions & { gradOutputs?: readonly Tensor[] } = {}): boolean {
  checkInputs('gradgradcheck', inputs);
  const outputs = asList(fn(...inputs)).filter((o) => isFloating(o.dtype) && o.requiresGrad);
  const gradOutputs =
    options.gradOutputs ??
    outputs.map((o, k) => {
      // Deterministic, irregular values: no dependence on the global random state.
      const v = new Float64Array(o.numel).map((_, j) => Math.sin(12.9898 * (j + 1) + 78.233 * (k + 1)));
      return fromArray(v, o.shape, 'float64').requiresGrad_(true);
    });
  // Recording stays on even when gradcheck evaluates this under noGrad: its value is a gradient.
  const secondOrder = (...args: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const xs = args.slice(0, inputs.length);
      const vs = args.slice(inputs.length);
      const outs = asList(fn(...xs)).filter((o) => isFloating(o.dtype) && o.requiresGrad);
      const grads = grad(outs, xs.filter((t) => t.requiresGrad), { gradOutputs: vs, createGraph: true, allowUnused: true });
      return grads.map((g, i) => g ?? zerosLike(xs.filter((t) => t.requiresGrad)[i]!));
    });
  return gradcheck(secondOrder, [...inputs, ...gradOutputs], options);
}
