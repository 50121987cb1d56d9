/** evaluate and predict: a model's loss and metrics over a loader, and its outputs, in eval mode. */
import { Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/scope.js';
import { noGrad } from '../autograd/grad-mode.js';
import { cat } from '../ops/shape.js';
import type { Module } from '../nn/module.js';
import { Mean, type Metric } from './metric.js';
import { resolveMetrics } from './metrics.js';
import { batchSizeOf, batchesOf, checkInt, checkModel, checkSource, computeLoss, forward, resolveLoss, unpack, withMode } from './batch.js';
import type { BatchSource, LossFn, UnpackedBatch } from './types.js';

export interface EvaluateOptions<B = unknown> {
  /** The loss to report as `loss` (a function or a name, as fit's); omitted: no loss. */
  loss?: LossFn | string;
  metrics?: Array<Metric | string>;
  batchToInputs?: (batch: B) => UnpackedBatch;
}

/**
 * The loss (sample-weighted mean of the batch losses) and metrics of `model` over every batch of
 * `loader`, in eval mode without gradients; the model's mode is restored afterwards.
 *
 * ```ts
 * const { loss, accuracy } = await train.evaluate(model, testLoader, { loss: 'crossEntropy', metrics: ['accuracy'] });
 * ```
 */
export async function evaluate<B>(model: Module, loader: BatchSource<B>, options: EvaluateOptions<B> = {}): Promise<Record<string, number>> {
  const op = 'evaluate';
  checkModel(op, model);
  checkSource(op, 'loader', loader);
  const loss = options.loss === undefined ? null : resolveLoss(op, options.loss);
  const metrics = resolveMetrics(op, options.metrics);
  if (loss === null && metrics.length === 0) throw new Error(`${op}: nothing to compute; pass loss and/or metrics`);
  return runEvaluation(op, model, loader, loss, metrics, options.batchToInputs);
}

/** @internal The evaluation loop shared with fit's validation (which passes its metric objects). */
export async function runEvaluation<B>(
  op: string,
  model: Module,
  loader: BatchSource<B>,
  loss: LossFn | null,
  metrics: readonly Metric[],
  batchToInputs?: (batch: B) => UnpackedBatch,
): Promise<Record<string, number>> {
  const meanLoss = new Mean('loss');
  for (const m of metrics) m.reset();
  let batches = 0;
  await withMode(model, false, async () => {
    for await (const batch of batchesOf(loader)) {
      noGrad(() =>
        tidy(() => {
          const parts = unpack(op, batch, batchToInputs);
          const output = forward(model, parts);
          if (loss !== null) meanLoss.add(computeLoss(op, loss, output, parts.target).item(), batchSizeOf(parts));
          for (const m of metrics) m.update(output as Tensor, parts.target as Tensor);
        }),
      );
      batches += 1;
    }
  });
  if (batches === 0) throw new Error(`${op}: the loader yielded no batches`);
  const logs: Record<string, number> = {};
  if (loss !== null) logs['loss'] = meanLoss.compute();
  for (const m of metrics) logs[m.name] = m.compute();
  return logs;
}

export interface PredictOptions<B = unknown> {
  /** With a tensor input: rows per forward call (default 32). */
  batchSize?: number;
  batchToInputs?: (batch: B) => UnpackedBatch;
}

/**
 * The model's outputs in eval mode without gradients, concatenated along dim 0. Given a tensor, it
 * runs `batchSize` rows at a time and returns a Tensor; given a loader (or any iterable of batches
 * `[x]`, `[x, y]`, `{ x }`, tensors), it returns a Promise of one. The model's mode is restored.
 *
 * ```ts
 * const logits = train.predict(model, xTest, { batchSize: 256 });
 * const fromLoader = await train.predict(model, testLoader);
 * ```
 */
export function predict(model: Module, input: Tensor, options?: PredictOptions): Tensor;
export function predict<B>(model: Module, input: BatchSource<B>, options?: PredictOptions<B>): Promise<Tensor>;
export function predict<B>(model: Module, input: Tensor | BatchSource<B>, options: PredictOptions<B> = {}): Tensor | Promise<Tensor> {
  const op = 'predict';
  checkModel(op, model);
  if (input instanceof Tensor) {
    const size = checkInt(op, 'batchSize', options.batchSize ?? 32, 1);
    if (input.ndim === 0) throw new Error(`${op}: the input must have a batch dim, got a 0-d tensor`);
    const n = input.shape[0]!;
    const was = model.training;
    model.eval();
    try {
      const outputs: Tensor[] = [];
      for (let start = 0; start < n; start += size) {
        outputs.push(runBatch(op, model, { inputs: [input.narrow(0, start, Math.min(size, n - start))] }));
      }
      return joinOutputs(op, outputs);
    } finally {
      model.train(was);
    }
  }
  checkSource(op, 'input', input);
  return withMode(model, false, async () => {
    const outputs: Tensor[] = [];
    for await (const batch of batchesOf(input)) outputs.push(runBatch(op, model, unpack(op, batch, options.batchToInputs)));
    return joinOutputs(op, outputs);
  });
}

function runBatch(op: string, model: Module, parts: UnpackedBatch): Tensor {
  return noGrad(() =>
    tidy(() => {
      const out = forward(model, parts);
      if (!(out instanceof Tensor)) throw new Error(`${op}: the model must return a Tensor, got ${out === null ? 'null' : typeof out}`);
      return out;
    }),
  );
}

function joinOutputs(op: string, outputs: Tensor[]): Tensor {
  if (outputs.length === 0) throw new Error(`${op}: got no batches`);
  return outputs.length === 1 ? outputs[0]! : noGrad(() => cat(outputs, 0));
}
