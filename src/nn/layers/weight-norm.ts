/**
 * Weight normalization (Salimans 2016), PyTorch's torch.nn.utils.weight_norm: a module's weight is
 * reparameterized as w = g * v / ||v||, separating its magnitude g (`weight_g`) from its direction v
 * (`weight_v`), both learnable. The norm is taken over every dim except `dim` (default 0: one
 * magnitude per output unit), or over the whole tensor with `dim: null`. `weight` becomes a plain
 * tensor attribute recomputed before every forward.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { normalizeDim } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module, Parameter, type HookHandle } from '../module.js';

export interface WeightNormOptions {
  /** The parameter to reparameterize (default 'weight'). */
  name?: string;
  /**
   * The dim that keeps its own magnitude (default 0); null for one magnitude for the whole tensor.
   * Negative dims count from the end (PyTorch reads -1 as null; here null says it).
   */
  dim?: number | null;
}

interface Settings {
  name: string;
  dim: number | null;
  hook: HookHandle;
}

const installed = new WeakMap<Module, Map<string, Settings>>();

/** The 2-norm over every dim but `dim` (kept as size-1 dims), or over everything for null. */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  if (dim === null) return v.norm();
  const others = v.shape.map((_, i) => i).filter((i) => i !== dim);
  // A 1-D weight has nothing to reduce: each element is its own vector.
  return others.length === 0 ? v.abs() : v.norm(2, others, true);
}

function attr(module: Module): Record<string, unknown> {
  return module as unknown as Record<string, unknown>;
}

function computeWeight(module: Module, s: Settings): Tensor {
  const g = module.getParameter(`${s.name}_g`)!;
  const v = module.getParameter(`${s.name}_v`)!;
  return v.mul(g.div(normExceptDim(v, s.dim)));
}

/**
 * Applies weight normalization to `module`'s parameter `name` (default 'weight') and returns the
 * module. New parameters `${name}_g` (the norms, initially those of the weight) and `${name}_v` (the
 * weight itself) replace it, so the recomputed weight equals the original at first.
 *
 * ```ts
 * const layer = nn.weightNorm(new nn.Linear(20, 40));
 * layer.weight_g.shape; // [40, 1]
 * ```
 */
export function weightNorm<M extends Module>(module: M, options: WeightNormOptions = {}): M {
  const op = 'weightNorm';
  if (!(module instanceof Module)) throw new Error(`${op}: expects a Module, got ${module === null ? 'null' : typeof module}`);
  const { name = 'weight' } = options;
  if (installed.get(module)?.has(name)) throw new Error(`${op}: '${name}' of ${module.constructor.name} is already weight-normalized`);
  let weight: Parameter | null;
  try {
    weight = module.getParameter(name);
  } catch {
    throw new Error(`${op}: ${module.constructor.name} has no parameter '${name}'`);
  }
  if (weight === null) throw new Error(`${op}: parameter '${name}' of ${module.constructor.name} is null`);
  const dim = options.dim === null || weight.ndim === 0 ? null : normalizeDim(op, options.dim ?? 0, weight.ndim);
  const g = new Parameter(noGrad(() => normExceptDim(weight, dim)));
  const v = new Parameter(weight.detach());
  module.unregister(name);
  module.registerParameter(`${name}_g`, g);
  module.registerParameter(`${name}_v`, v);
  const settings: Settings = { name, dim, hook: { remove: () => {} } };
  attr(module)[name] = computeWeight(module, settings);
  settings.hook = module.registerForwardPreHook((m) => {
    attr(m)[name] = computeWeight(m, settings);
  });
  if (!installed.has(module)) installed.set(module, new Map());
  installed.get(module)!.set(name, settings);
  return module;
}

/** Undoes `weightNorm`: `${name}` becomes a parameter again holding g * v / ||v||; `${name}_g` and `${name}_v` are removed. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const settings = installed.get(module)?.get(name);
  if (settings === undefined) throw new Error(`removeWeightNorm: '${name}' of ${module.constructor.name} is not weight-normalized`);
  const weight = noGrad(() => computeWeight(module, settings));
  settings.hook.remove();
  installed.get(module)!.delete(name);
  for (const n of [name, `${name}_g`, `${name}_v`]) module.unregister(n);
  attr(module)[name] = new Parameter(weight);
  return module;
}
