/** Internal helpers shared by random.ts and random-discrete.ts (not re-exported). */
import { Tensor } from './tensor.js';
import type { DType, TypedArray } from './dtype.js';
import { DEFAULT_FLOAT, isFloating } from './dtype.js';
import { checkShape } from './shape.js';
import { checkDType } from './args.js';
import { fromArray, type CreateOptions } from './creation.js';
import { Generator, defaultGenerator } from './generator.js';

/** Options of the random ops: dtype, requiresGrad, and a generator to draw from instead of the global one. */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

export function generatorOf(op: string, options: RandomOptions): Generator {
  const g = options.generator;
  if (g === undefined) return defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator, got ${g === null ? 'null' : typeof g}`);
  return g;
}

export function floatDType(op: string, options: RandomOptions): DType {
  const dtype = checkDType(op, options.dtype, DEFAULT_FLOAT);
  if (!isFloating(dtype)) throw new Error(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

export function finish(op: string, data: TypedArray, shape: readonly number[], dtype: DType, options: RandomOptions): Tensor {
  const t = fromArray(data, shape, dtype);
  if (options.requiresGrad) {
    if (!isFloating(dtype)) throw new Error(`${op}: only floating-point tensors can require gradients, got dtype ${dtype}`);
    t.requiresGrad_(true);
  }
  return t;
}

export function shapeArg(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of sizes, got ${shape === null ? 'null' : typeof shape}`);
  return checkShape(op, shape as number[]);
}

export function checkTensorArg(op: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
}
