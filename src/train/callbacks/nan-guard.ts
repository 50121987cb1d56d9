/** NaNGuard: stop training at the first non-finite loss, parameter or gradient, and say where. */
import { Tensor } from '../../tensor/tensor.js';
import { isFloating } from '../../tensor/dtype.js';
import { tidy } from '../../tensor/scope.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Callback, TrainState } from '../types.js';

/** Where output goes: a stream's `write` (process.stderr by default). */
export interface TextSink {
  write(text: string): unknown;
}

export interface NaNGuardOptions {
  /** 'stop' (default): ask fit to stop and report; 'throw': throw the error from fit. */
  action?: 'stop' | 'throw';
  /** Also check every parameter and gradient, not only the loss (default true). */
  checkParameters?: boolean;
  /** Check parameters and gradients every this many batches (default 1; the loss is checked every batch). */
  every?: number;
  /** Where the report is written (default process.stderr); null for silence. */
  stream?: TextSink | null;
}

/** True when every element is finite. A finite sum proves it; a non-finite one is checked elementwise (overflow). */
export function allFinite(t: Tensor): boolean {
  if (!isFloating(t.dtype) || t.numel === 0) return true;
  if (Number.isFinite(noGrad(() => tidy(() => t.sum().item())))) return true;
  return countNonFinite(t).count === 0;
}

function countNonFinite(t: Tensor): { count: number; example: number } {
  const values = noGrad(() => t.detach().toArray());
  let count = 0;
  let example = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      if (count === 0) example = v;
      count += 1;
    }
  }
  return { count, example };
}

/**
 * Watches for a non-finite loss, parameter or gradient after every batch. On the first one it
 * builds a message naming the epoch, batch and optimizer step and the first non-finite tensor by
 * parameter name (parameters in `namedParameters()` order, each before its gradient), writes it to
 * `stream`, keeps it in `error`, and stops training (or throws it, with `action: 'throw'`).
 *
 * ```ts
 * const guard = new train.NaNGuard();
 * await train.fit(model, { ..., callbacks: [guard] });
 * if (guard.error) console.error(guard.error.message); // "NaNGuard: the gradient of '0.weight' ..."
 * ```
 */
export class NaNGuard implements Callback {
  readonly action: 'stop' | 'throw';
  readonly checkParameters: boolean;
  readonly every: number;
  private readonly stream: TextSink | null;
  /** The error describing the first non-finite value, or null. */
  error: Error | null = null;

  constructor(options: NaNGuardOptions = {}) {
    const { action = 'stop', checkParameters = true, every = 1 } = options;
    if (action !== 'stop' && action !== 'throw') throw new Error(`NaNGuard: action must be 'stop' or 'throw', got ${String(action)}`);
    if (!Number.isInteger(every) || every < 1) throw new Error(`NaNGuard: every must be a positive integer, got ${String(every)}`);
    this.action = action;
    this.checkParameters = checkParameters !== false;
    this.every = every;
    this.stream = options.stream === undefined ? process.stderr : options.stream;
  }

  onTrainBegin(): void {
    this.error = null;
  }

  onBatchEnd(state: TrainState): void {
    const problem = this.findProblem(state);
    if (problem === null) return;
    const where = `at epoch ${state.epoch}, batch ${state.batch} (after ${state.step} optimizer steps)`;
    this.error = new Error(`NaNGuard: ${problem} ${where}; training stopped`);
    this.stream?.write(this.error.message + '\n');
    state.stopTraining = true;
    if (this.action === 'throw') throw this.error;
  }

  private findProblem(state: TrainState): string | null {
    const loss = state.logs['batch_loss'];
    if (loss !== undefined && !Number.isFinite(loss)) return `the loss is ${loss}`;
    if (!this.checkParameters || state.batch % this.every !== 0) return null;
    for (const [name, p] of state.model.namedParameters()) {
      for (const [what, t] of [[`parameter '${name}'`, p], [`the gradient of '${name}'`, p.grad]] as const) {
        if (t === null || allFinite(t)) continue;
        const { count, example } = countNonFinite(t);
        return `${what} has ${count} non-finite value${count === 1 ? '' : 's'} of ${t.numel} (e.g. ${example})`;
      }
    }
    return null;
  }
}
