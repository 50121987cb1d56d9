import type { Tensor } from '../tensor/tensor.js';
import { onesLike } from '../tensor/creation.js';
import { shapesEqual } from '../tensor/shape.js';
import { runBackward } from './engine.js';

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be walked again (defaults to createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

export interface GradOptions extends BackwardOptions {
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

function rootGrads(op: string, outputs: readonly Tensor[], gradOutputs: readonly (Tensor | null | undefined)[] | undefined): Tensor[] {
  return outputs.map((out, i) => {
    if (!out.requiresGrad) {
      throw new Error(`${op}: output ${i} does not require grad and has no gradFn (was it computed under noGrad, or from tensors without requiresGrad?)`);
    }
    const g = gradOutputs?.[i];
    if (g == null) {
      if (out.numel !== 1) {
        throw new Error(`${op}: a gradient can be created implicitly only for outputs with one element; output ${i} has shape [${out.shape.join(',')}]`);
      }
      return onesLike(out);
    }
    if (!shapesEqual(g.shape, out.shape)) {
      throw new Error(`${op}: gradient ${i} has shape [${g.shape.join(',')}] but the output has shape [${out.shape.join(',')}]`);
    }
    return g.dtype === out.dtype ? g : g.to(out.dtype);
  });
}

/** Accumulates d(outputs)/d(leaf) into every leaf's `.grad`. */
export function backward(outputs: Tensor | readonly Tensor[], gradOutputs?: Tensor | readonly (Tensor | null)[] | null, options: BackwardOptions = {}): void {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const gs = gradOutputs == null ? undefined : Array.isArray(gradOutputs) ? (gradOutputs as (Tensor | null)[]) : [gradOutputs as Tensor];
  const createGraph = options.createGraph ?? false;
  runBackward(outs, rootGrads('backward', outs, gs), { createGraph, retainGraph: options.retainGraph ?? createGraph });
}

/**
 * The gradients of `outputs` w.r.t. `inputs`, returned rather than accumulated into `.grad`.
 * With `createGraph`, the result is itself differentiable (PINN residuals, gradient penalties).
 *
 * ```ts
 * const x = tensor([2], { requiresGrad: true, dtype: 'float64' });
 * const [dy] = grad(x.pow(3), [x], { gradOutputs: [onesLike(x)], createGraph: true }); // 3x^2 = 12
 * ```
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions & { gradOutputs?: readonly (Tensor | null)[] | Tensor } = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  const go = options.gradOutputs;
  const gs = go == null ? undefined : Array.isArray(go) ? (go as (Tensor | null)[]) : [go as Tensor];
  const createGraph = options.createGraph ?? false;
  return runBackward(outs, rootGrads('grad', outs, gs), {
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    inputs: ins,
    allowUnused: options.allowUnused ?? false,
  });
}
