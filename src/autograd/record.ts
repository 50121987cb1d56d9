import type { Tensor } from '../tensor/tensor.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { isAnomalyEnabled, isGradEnabled } from './grad-mode.js';
import { Node, type BackwardFn } from './node.js';
import { AnomalyError, INF, NAN, nonFiniteKinds } from './anomaly-check.js';

/**
 * Attaches `out` to the graph when grad mode is on and any input requires a gradient; returns `out`.
 * Every differentiable op ends with this call. `saved` lists the tensors `backward` reads, so that an
 * in-place write to one of them between forward and backward is caught.
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly (Tensor | null | undefined)[],
  backward: BackwardFn,
  saved: readonly Tensor[] = NONE,
): Tensor {
  if (isAnomalyEnabled()) checkForward(name, out, inputs);
  if (!isGradEnabled()) return out;
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t != null && t.requiresGrad) {
      any = true;
      break;
    }
  }
  if (!any) return out;
  const next = new Array<Node | null>(inputs.length);
  const dtypes = new Array<DType | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    const needs = t != null && t.requiresGrad;
    next[i] = needs ? t.gradEdge() : null;
    dtypes[i] = needs ? t.dtype : null;
  }
  out.setGradFn(new Node(name, next, backward, saved, dtypes));
  return out;
}

/** Whether an op called now with these inputs would be recorded. */
export function isRecording(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t != null && t.requiresGrad) return true;
  return false;
}

/** For ops with no gradient (comparisons, argmax...): only the anomaly check applies. */
export function nonDifferentiable(name: string, out: Tensor): Tensor {
  if (isAnomalyEnabled()) checkForward(name, out, NONE);
  return out;
}

/**
 * Anomaly mode: throws when `out` holds a NaN that no input held, or an Inf where no input held a
 * NaN or Inf, so the error names the op that produced it, not every op downstream of it (inputs
 * that carry -Inf on purpose, such as attention masks, pass).
 */
function checkForward(name: string, out: Tensor, inputs: readonly (Tensor | null | undefined)[]): void {
  if (!isFloating(out.dtype)) return;
  const produced = nonFiniteKinds(out);
  if (produced === 0) return;
  let inherited = 0;
  for (const t of inputs) if (t != null && isFloating(t.dtype)) inherited |= nonFiniteKinds(t);
  const newNaN = (produced & NAN) !== 0 && (inherited & NAN) === 0;
  const newInf = (produced & INF) !== 0 && inherited === 0;
  if (newNaN || newInf) {
    throw new AnomalyError(
      `detectAnomaly: the forward pass of '${name}' produced ${newNaN ? 'NaN' : 'Inf'} in its output of shape [${out.shape.join(',')}]`,
    );
  }
}

const NONE: readonly Tensor[] = [];
