/**
 * Lossless JSON for checkpoint metadata. JSON has no Infinity, NaN, -0 or undefined, yet saved
 * state holds them (ReduceLROnPlateau's `best` starts at ±Infinity). They are written as tagged
 * strings: '#Infinity', '#-Infinity', '#NaN', '#-0', '#undefined'; a string that itself starts with
 * '#' is escaped by one more '#' ('#x' → '##x'), so every value comes back exactly.
 */

const TAGS: Record<string, number | undefined> = {
  '#Infinity': Infinity,
  '#-Infinity': -Infinity,
  '#NaN': NaN,
  '#-0': -0,
  '#undefined': undefined,
};

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return x.constructor?.name ?? 'an object without prototype';
  return typeof x;
}

function encodeValue(value: unknown, op: string, path: string, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return '#NaN';
      if (value === Infinity) return '#Infinity';
      if (value === -Infinity) return '#-Infinity';
      return Object.is(value, -0) ? '#-0' : value;
    case 'string':
      return value.startsWith('#') ? `#${value}` : value;
    case 'boolean':
      return value;
    case 'undefined':
      return '#undefined';
    case 'object': {
      if (value === null) return null;
      const proto = Object.getPrototypeOf(value);
      const plain = Array.isArray(value) || proto === Object.prototype || proto === null;
      if (!plain) throw new Error(`${op}: cannot save ${describe(value)} at ${path}: only numbers, strings, booleans, null, arrays and plain objects`);
      if (ancestors.has(value)) throw new Error(`${op}: cannot save the circular reference at ${path}`);
      ancestors.add(value);
      const out = Array.isArray(value)
        ? value.map((v, i) => encodeValue(v, op, `${path}[${i}]`, ancestors))
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v, op, `${path}.${k}`, ancestors)]));
      ancestors.delete(value);
      return out;
    }
    default:
      throw new Error(`${op}: cannot save a ${typeof value} at ${path}: only numbers, strings, booleans, null, arrays and plain objects`);
  }
}

/**
 * JSON text for `value`, keeping non-finite numbers, -0 and undefined (see the file comment).
 * `op` and `path` name the value in errors.
 *
 * ```ts
 * encodeJson({ best: Infinity }, 'saveCheckpoint', 'scheduler'); // '{"best":"#Infinity"}'
 * ```
 */
export function encodeJson(value: unknown, op: string, path: string): string {
  return JSON.stringify(encodeValue(value, op, path, new Set()));
}

function decodeValue(value: unknown, op: string, path: string): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith('#')) return value;
    if (value.startsWith('##')) return value.slice(1);
    if (!Object.hasOwn(TAGS, value)) throw new Error(`${op}: unknown tagged value ${JSON.stringify(value)} at ${path}`);
    return TAGS[value];
  }
  if (Array.isArray(value)) return value.map((v, i) => decodeValue(v, op, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeValue(v, op, `${path}.${k}`)]));
  }
  return value;
}

/** The value `encodeJson` wrote. Throws `op: ...` for text that is not valid. */
export function decodeJson(text: string, op: string, path: string): unknown {
  try {
    return decodeValue(JSON.parse(text), op, path);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(`${op}:`) ? message : `${op}: ${path} is not valid JSON (${message})`);
  }
}
