/** A multilayer perceptron: Linear layers with ReLU between them. */
import { Sequential } from '../nn/containers.js';
import type { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Flatten } from '../nn/layers/shape.js';

export interface MlpOptions {
  /** Widths of the hidden layers (default [512, 512], the MLP of the benchmarks). */
  hidden?: readonly number[];
  /** Input features (default 784, a flattened 28x28 image). */
  inputs?: number;
  /** Output classes (default 10). */
  classes?: number;
  /** Dropout after each hidden activation (default 0: none). */
  dropout?: number;
}

function checkWidth(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`mlp: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

/**
 * Flatten, then Linear-ReLU for each hidden width, then a Linear to the class logits. Inputs of any
 * shape [N, ...] with `inputs` features per row are accepted (images are flattened).
 *
 * ```ts
 * const net = models.mlp({ hidden: [256], inputs: 784, classes: 10 }); // 784-256-10
 * net.forward(images); // [N, 1, 28, 28] or [N, 784] -> [N, 10] logits
 * ```
 */
export function mlp(options: MlpOptions = {}): Sequential {
  const hidden = options.hidden ?? [512, 512];
  const inputs = options.inputs ?? 784;
  const classes = options.classes ?? 10;
  const dropout = options.dropout ?? 0;
  if (!Array.isArray(hidden)) throw new Error(`mlp: hidden must be an array of widths, got ${JSON.stringify(hidden)}`);
  hidden.forEach((h, i) => checkWidth(`hidden[${i}]`, h));
  checkWidth('inputs', inputs);
  checkWidth('classes', classes);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new Error(`mlp: dropout must be in [0, 1), got ${dropout}`);
  const layers: Module[] = [new Flatten()];
  let width = inputs;
  for (const h of hidden) {
    layers.push(new Linear(width, h), new ReLU());
    if (dropout > 0) layers.push(new Dropout(dropout));
    width = h;
  }
  layers.push(new Linear(width, classes));
  return new Sequential(...layers);
}
