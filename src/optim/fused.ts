/**
 * Optional fused optimizer kernels. A backend may add these members to its object (they are not part
 * of the required Backend interface); Adam, AdamW and SGD call them when present and fall back to
 * the update written with ops otherwise. A kernel updates its arrays in place and must give the
 * same result as the op path (tests compare the two), element by element, in the parameter's dtype.
 *
 * The optimizer calls a kernel only when the parameter, its gradient and its state are contiguous
 * and of the same floating dtype; it bumps the storage versions afterwards.
 */
import type { Backend, View } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';

/** Hyperparameters of one Adam step (`step` counts this step: 1 on the first). */
export interface AdamStepParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: `p *= 1 - lr * weightDecay` first; otherwise weight decay adds `weightDecay * p` to the gradient. */
  decoupledWeightDecay: boolean;
  amsgrad: boolean;
  maximize: boolean;
  step: number;
}

/** Hyperparameters of one SGD step. On the first step the momentum buffer is set to the update direction. */
export interface SgdStepParams {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
  firstStep: boolean;
}

export interface FusedOptimizerKernels {
  /**
   * With g = (maximize ? -grad : grad) (+ weightDecay * p unless decoupled):
   * m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; vmax = max(vmax, v) with amsgrad;
   * p -= lr / (1 - beta1^step) * m / (sqrt(v or vmax) / sqrt(1 - beta2^step) + eps).
   * `maxExpAvgSq` is null unless amsgrad.
   */
  adamStep?(param: View, grad: View, expAvg: View, expAvgSq: View, maxExpAvgSq: View | null, h: AdamStepParams): void;
  /**
   * With d = (maximize ? -grad : grad) + weightDecay * p: buf = firstStep ? d : momentum buf + (1 - dampening) d;
   * d = nesterov ? d + momentum buf : buf (when momentum != 0); p -= lr d. `momentumBuffer` is null when momentum is 0.
   */
  sgdStep?(param: View, grad: View, momentumBuffer: View | null, h: SgdStepParams): void;
}

/**
 * The active backend's kernel `name`, bound to it, or null. `fused`: null uses it when present,
 * false never, true requires it (an error names the backend when it has none).
 */
export function fusedKernel<K extends keyof FusedOptimizerKernels>(
  op: string,
  name: K,
  fused: boolean | null,
): NonNullable<FusedOptimizerKernels[K]> | null {
  if (fused === false) return null;
  const b = backend() as Backend & FusedOptimizerKernels;
  const kernel = b[name];
  if (typeof kernel !== 'function') {
    if (fused === true) throw new Error(`${op}: fused is true but the active backend '${b.name}' has no ${name} kernel`);
    return null;
  }
  return (kernel as (...args: unknown[]) => void).bind(b) as NonNullable<FusedOptimizerKernels[K]>;
}

/** Whether a kernel can take these tensors as they are: contiguous, one floating dtype. */
export function fusable(param: Tensor, ...others: (Tensor | null)[]): boolean {
  if (!param.isContiguous()) return false;
  return others.every((t) => t === null || (t.dtype === param.dtype && t.isContiguous() && t.numel === param.numel));
}

/** Marks tensors a kernel wrote through their arrays as modified. */
export function bumpVersions(...tensors: (Tensor | null)[]): void {
  for (const t of tensors) if (t !== null) t.storage.version++;
}
