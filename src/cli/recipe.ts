/**
 * The training pieces `tessera train` builds from its flags and the model's recipe: the optimizer,
 * the learning-rate schedule and the loss.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Adam, AdamW } from '../optim/adam.js';
import { RMSprop } from '../optim/rmsprop.js';
import { NAdam } from '../optim/nadam.js';
import { RAdam } from '../optim/radam.js';
import { Lion } from '../optim/lion.js';
import { Adagrad } from '../optim/adagrad.js';
import { CosineAnnealingLR, type LRScheduler } from '../optim/lr-scheduler.js';
import { OneCycleLR } from '../optim/lr-scheduler-cyclic.js';
import { crossEntropy } from '../nn/functional/losses-classification.js';
import { mseLoss } from '../nn/functional/losses-regression.js';
import { oneHot } from '../ops/indexing.js';
import type { Recipe } from '../models/registry.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'nadam', 'radam', 'lion', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCHEDULES = ['onecycle', 'cosine', 'constant'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** An optimizer by its --optimizer name ('momentum': SGD with Nesterov momentum 0.9). */
export function makeOptimizer(name: OptimizerName, model: Module, lr: number, weightDecay: number): Optimizer {
  const params = model.parameters();
  switch (name) {
    case 'sgd':
      return new SGD(params, { lr, weightDecay });
    case 'momentum':
      return new SGD(params, { lr, momentum: 0.9, nesterov: true, weightDecay });
    case 'adam':
      return new Adam(params, { lr, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay: weightDecay === 0 ? 1e-2 : weightDecay });
    case 'rmsprop':
      return new RMSprop(params, { lr, weightDecay });
    case 'nadam':
      return new NAdam(params, { lr, weightDecay });
    case 'radam':
      return new RAdam(params, { lr, weightDecay });
    case 'lion':
      return new Lion(params, { lr, weightDecay });
    case 'adagrad':
      return new Adagrad(params, { lr, weightDecay });
  }
}

/**
 * The schedule, stepped once per optimizer step: 'onecycle' warms up to `lr` over the first
 * quarter then anneals (OneCycleLR), 'cosine' anneals from `lr` to 0, 'constant' keeps `lr`.
 */
export function makeSchedule(name: ScheduleName, optimizer: Optimizer, lr: number, totalSteps: number): LRScheduler | null {
  switch (name) {
    case 'onecycle':
      // OneCycleLR's phases need at least two steps each (a zero-length phase divides 0 by 0): very
      // short runs (a --limit check) lengthen the warm-up's share, or anneal instead.
      if (totalSteps < 4) return new CosineAnnealingLR(optimizer, { TMax: totalSteps });
      return new OneCycleLR(optimizer, { maxLr: lr, totalSteps, pctStart: Math.max(0.25, 2 / totalSteps) });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { TMax: totalSteps });
    case 'constant':
      return null;
  }
}

/** The loss of the recipe: cross-entropy on logits, or squared error against +-1 targets (the 1989 net). */
export function makeLoss(kind: Recipe['loss'], classes: number, labelSmoothing = 0): (output: Tensor, target: Tensor) => Tensor {
  if (kind === 'crossEntropy') return (output, target) => crossEntropy(output, target, { labelSmoothing });
  return (output, target) => mseLoss(output, oneHot(target, classes).to('float32').mul(2).sub(1));
}
