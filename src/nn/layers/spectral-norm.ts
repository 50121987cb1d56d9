/**
 * Spectral normalization (Miyato 2018), PyTorch's torch.nn.utils.spectral_norm: a module's weight is
 * replaced by weight_orig / sigma, where sigma, the largest singular value of weight_orig (as a matrix
 * [size of `dim`, rest]), is estimated by power iteration on two buffers u and v. Each forward in
 * training mode first runs `nPowerIterations` steps (updating u and v in place, without gradient);
 * eval mode reuses them. The gradient flows through sigma = u^T W v with u, v held constant.
 *
 * State names follow PyTorch: the parameter `weight_orig` and the buffers `weight_u`, `weight_v`;
 * `weight` becomes a plain tensor attribute recomputed before every forward.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { randn } from '../../tensor/random.js';
import { normalizeDim } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module, Parameter, type HookHandle } from '../module.js';
import { normalize } from '../functional/norm.js';
import { ConvTranspose1d, ConvTranspose2d } from './conv.js';

export interface SpectralNormOptions {
  /** The parameter to normalize (default 'weight'). */
  name?: string;
  /** Power-iteration steps per training forward (default 1). */
  nPowerIterations?: number;
  /** Floor of the norms when normalizing u and v (default 1e-12). */
  eps?: number;
  /** The dim of the weight that becomes the matrix's rows (default 0; 1 for ConvTranspose layers). */
  dim?: number | null;
}

interface Settings {
  name: string;
  dim: number;
  nPowerIterations: number;
  eps: number;
  hook: HookHandle;
}

/** Spectral-norm settings per module and parameter name, for the hook and for removeSpectralNorm. */
const installed = new WeakMap<Module, Map<string, Settings>>();

/** The weight as a matrix [shape[dim], rest]: `dim` moved to the front, the rest flattened. */
function toMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.movedim(dim, 0);
  const rows = w.shape[0]!;
  return w.reshape([rows, rows === 0 ? 0 : w.numel / rows]);
}

function attr(module: Module): Record<string, unknown> {
  return module as unknown as Record<string, unknown>;
}

/** weight_orig / sigma, first refining u and v by power iteration when asked. */
function computeWeight(module: Module, s: Settings, powerIteration: boolean): Tensor {
  const weight = module.getParameter(`${s.name}_orig`)!;
  let u = module.getBuffer(`${s.name}_u`)!;
  let v = module.getBuffer(`${s.name}_v`)!;
  const mat = toMatrix(weight, s.dim);
  if (powerIteration && s.nPowerIterations > 0) {
    [u, v] = noGrad(() => {
      for (let i = 0; i < s.nPowerIterations; i++) {
        v.copy_(normalize(mat.T.matmul(u), 2, 0, s.eps));
        u.copy_(normalize(mat.matmul(v), 2, 0, s.eps));
      }
      // Copies: the next forward writes u and v in place, and this forward's graph reads them.
      return [u.clone(), v.clone()];
    });
  }
  const sigma = u.dot(mat.matmul(v));
  return weight.div(sigma);
}

/**
 * Applies spectral normalization to `module`'s parameter `name` (default 'weight') and returns the
 * module. The parameter moves to `${name}_orig`; buffers `${name}_u` and `${name}_v` hold the power
 * iteration's vectors (random unit vectors at first, from the global generator); `${name}` is
 * recomputed as weight_orig / sigma before every forward.
 *
 * ```ts
 * const d = nn.spectralNorm(new nn.Linear(20, 40));
 * d.forward(x);              // training: one power-iteration step, then W / sigma
 * Object.keys(d.stateDict()); // ['bias', 'weight_orig', 'weight_u', 'weight_v']
 * ```
 */
export function spectralNorm<M extends Module>(module: M, options: SpectralNormOptions = {}): M {
  const op = 'spectralNorm';
  if (!(module instanceof Module)) throw new Error(`${op}: expects a Module, got ${module === null ? 'null' : typeof module}`);
  const { name = 'weight', nPowerIterations = 1, eps = 1e-12 } = options;
  if (!Number.isInteger(nPowerIterations) || nPowerIterations < 1) {
    throw new Error(`${op}: nPowerIterations must be a positive integer, got ${String(nPowerIterations)}`);
  }
  if (typeof eps !== 'number' || !(eps >= 0)) throw new Error(`${op}: eps must be a number >= 0, got ${String(eps)}`);
  if (installed.get(module)?.has(name)) throw new Error(`${op}: '${name}' of ${module.constructor.name} is already spectrally normalized`);
  const weight = parameterOf(op, module, name);
  if (weight.ndim === 0) throw new Error(`${op}: '${name}' is 0-d; it needs at least one dim`);
  // PyTorch's choice: the output channels of a transposed convolution are dim 1 of its weight.
  const defaultDim = module instanceof ConvTranspose1d || module instanceof ConvTranspose2d ? 1 : 0;
  const dim = normalizeDim(op, options.dim ?? defaultDim, weight.ndim);
  const [u, v] = noGrad(() => {
    const [h, w] = toMatrix(weight, dim).shape as [number, number];
    return [normalize(randn([h], { dtype: weight.dtype }), 2, 0, eps), normalize(randn([w], { dtype: weight.dtype }), 2, 0, eps)];
  });
  module.unregister(name);
  module.registerParameter(`${name}_orig`, weight);
  attr(module)[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const settings: Settings = { name, dim, nPowerIterations, eps, hook: { remove: () => {} } };
  settings.hook = module.registerForwardPreHook((m) => {
    attr(m)[name] = computeWeight(m, settings, m.training);
  });
  if (!installed.has(module)) installed.set(module, new Map());
  installed.get(module)!.set(name, settings);
  return module;
}

/**
 * Undoes `spectralNorm`: `${name}` becomes a parameter again, holding the current normalized weight
 * (computed with the stored u and v), and `${name}_orig`, `${name}_u`, `${name}_v` are removed.
 */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const settings = installed.get(module)?.get(name);
  if (settings === undefined) throw new Error(`removeSpectralNorm: '${name}' of ${module.constructor.name} is not spectrally normalized`);
  const weight = noGrad(() => computeWeight(module, settings, false));
  settings.hook.remove();
  installed.get(module)!.delete(name);
  for (const n of [name, `${name}_orig`, `${name}_u`, `${name}_v`]) module.unregister(n);
  attr(module)[name] = new Parameter(weight.detach());
  return module;
}

/** The module's parameter `name`, or an error naming the module. */
function parameterOf(op: string, module: Module, name: string): Parameter {
  let p: Parameter | null;
  try {
    p = module.getParameter(name);
  } catch {
    throw new Error(`${op}: ${module.constructor.name} has no parameter '${name}'`);
  }
  if (p === null) throw new Error(`${op}: parameter '${name}' of ${module.constructor.name} is null`);
  return p;
}
