/**
 * Parsing of the `zeros(2, 3)` / `zeros([2, 3], options)` argument style, shared by creation.ts and
 * random.ts. Internal: not re-exported from the package.
 */
import { checkShape } from './shape.js';
import type { DType } from './dtype.js';
import { DEFAULT_FLOAT, isDType } from './dtype.js';

/** Sizes as separate numbers or one array, optionally followed by an options object. */
export type SizeArgs<O extends object> = (number | readonly number[] | O)[];

/**
 * Splits `args` into a validated shape and the options (`{}` when absent). `op` names the caller in
 * errors: `rand: invalid shape [2,-1]: sizes must be non-negative integers`.
 */
export function splitSizeArgs<O extends object>(op: string, args: readonly unknown[]): [number[], O] {
  let options = {} as O;
  let sizes = args;
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last) && !ArrayBuffer.isView(last)) {
    options = last as O;
    sizes = args.slice(0, -1);
  } else if (last === null || (args.length > 0 && last === undefined)) {
    throw new Error(`${op}: expected sizes and an optional options object, got ${String(last)} as the last argument`);
  }
  let shape: unknown[];
  if (sizes.length === 1 && Array.isArray(sizes[0])) shape = sizes[0] as unknown[];
  else {
    for (const s of sizes) {
      if (typeof s !== 'number') {
        throw new Error(`${op}: expected sizes as numbers (${op}(2, 3)) or one array (${op}([2, 3])), got ${describeArgs(sizes)}`);
      }
    }
    shape = sizes as unknown[];
  }
  for (const s of shape) {
    if (typeof s !== 'number') throw new Error(`${op}: sizes must be numbers, got ${describeArgs(shape)}`);
  }
  return [checkShape(op, shape as number[]), options];
}

function describeArgs(args: readonly unknown[]): string {
  return `(${args.map((a) => (Array.isArray(a) ? `[${a.map((x) => String(x)).join(', ')}]` : typeof a === 'string' ? `'${a}'` : String(a))).join(', ')})`;
}

/** Validates an optional dtype, defaulting to `fallback`. */
export function checkDType(op: string, dtype: unknown, fallback: DType = DEFAULT_FLOAT): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  return dtype;
}
