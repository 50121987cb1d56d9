/**
 * Option checks shared by the optimizers and schedules. Every error starts with the class name and
 * names the option and the value, e.g. `Adam: betas[0] must be in [0, 1), got 1`.
 */

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** A finite number >= 0. */
export function checkNonNegative(op: string, key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${op}: ${key} must be a finite number >= 0, got ${show(value)}`);
  }
}

/** A finite number > 0. */
export function checkPositive(op: string, key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${op}: ${key} must be a finite number > 0, got ${show(value)}`);
  }
}

/** A finite number. */
export function checkFinite(op: string, key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${key} must be a finite number, got ${show(value)}`);
}

/** An integer >= `min`. */
export function checkInteger(op: string, key: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${op}: ${key} must be an integer >= ${min}, got ${show(value)}`);
  }
}

/** A number in [0, 1) (`closed`: [0, 1]). */
export function checkUnit(op: string, key: string, value: unknown, closed = false): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (closed ? value > 1 : value >= 1)) {
    throw new Error(`${op}: ${key} must be in [0, 1${closed ? ']' : ')'}, got ${show(value)}`);
  }
}

/** A pair of coefficients, each in [0, 1). */
export function checkBetas(op: string, value: unknown): asserts value is readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new Error(`${op}: betas must be a pair [beta1, beta2], got ${show(value)}`);
  checkUnit(op, 'betas[0]', value[0]);
  checkUnit(op, 'betas[1]', value[1]);
}

export function checkBoolean(op: string, key: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new Error(`${op}: ${key} must be true or false, got ${show(value)}`);
}

/** One of the listed strings. */
export function checkChoice<T extends string>(op: string, key: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new Error(`${op}: ${key} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`);
  }
}

/**
 * The defaults overridden by the given options (undefined values keep the default); an option the
 * class does not know is an error, so that a typo (`weight_decay`) is not silently ignored.
 */
export function withDefaults<O extends object>(op: string, defaults: O, options: Partial<O> | undefined): O {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new Error(`${op}: options must be an object, got ${show(options)}`);
  }
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (!(key in defaults)) throw new Error(`${op}: unknown option '${key}' (known: ${Object.keys(defaults).join(', ')})`);
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
