/**
 * What the layer files share: the factory options every layer takes, parameter creation and option
 * checks. Internal: nn/index.ts does not re-export this file.
 */
import { empty } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/random.js';
import { Parameter } from '../module.js';

/** Options every layer with parameters takes (PyTorch's factory kwargs, plus a generator for init). */
export interface LayerOptions {
  /** Parameter dtype: 'float32' (default) or 'float64'. */
  dtype?: 'float32' | 'float64';
  /** Draw the initial values from this generator instead of the global one. */
  generator?: Generator;
}

/** An uninitialized parameter of `shape` (a layer's resetParameters fills it). */
export function newParameter(op: string, shape: readonly number[], options: LayerOptions): Parameter {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${op}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  return new Parameter(empty([...shape], { dtype }));
}

/** Throws unless `value` is an integer >= min. */
export function checkInt(op: string, name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${op}: ${name} must be ${min === -Infinity ? 'an integer' : `an integer >= ${min}`}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
}

/** `n` integers from a number or an n-tuple, each >= min. */
export function tuple(op: string, name: string, value: unknown, n: number, min: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : Array.isArray(value) ? (value as unknown[]) : null;
  if (list === null || list.length !== n || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    throw new Error(`${op}: ${name} must be an integer >= ${min} or a list of ${n} of them, got ${JSON.stringify(value)}`);
  }
  return list as number[];
}

/** A number or tuple as PyTorch prints it in a module's repr: 3 stays 3, [3, 3] becomes (3, 3). */
export function showTuple(v: number | readonly number[]): string {
  return typeof v === 'number' ? String(v) : `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
}
