/**
 * A small, strict command-line parser for the `tessera` commands. Each command declares its flags
 * and positionals; anything else (an unknown flag, a flag without its value, a number that is not
 * one, a value outside its choices) is a `UsageError`, which `main` prints as one clear line and
 * exit code 2, never a stack trace.
 *
 * Accepted forms: `--name value`, `--name=value`, `--flag` (booleans), `--no-flag` (a boolean off),
 * `-h`/`--help`, and `--` to end the flags (what follows is positional).
 *
 * ```ts
 * const spec = { name: 'train', summary: '...', flags: { epochs: { type: 'int', min: 1, description: '...' } } } as const;
 * const { flags } = parseArgs(spec, ['--epochs', '3']); // flags.epochs === 3
 * ```
 */

/** A mistake in the command line: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagType = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  description: string;
  /** Shown in the help as the value's name (`--lr <number>`); default from the type. */
  metavar?: string;
  /** The accepted values of a string flag. */
  choices?: readonly string[];
  /** The least accepted value of a number flag. */
  min?: number;
  /** Whether `min` itself is excluded (a learning rate must be > 0). */
  exclusiveMin?: boolean;
  /** Left out of the help (flags for tests). */
  hidden?: boolean;
  /** Shown in the help only: the value used when the flag is absent. */
  defaultText?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** More lines for the command's own help. */
  details?: string;
  positionals?: readonly PositionalSpec[];
  /** Flag names as typed after `--`, in kebab-case. */
  flags: Readonly<Record<string, FlagSpec>>;
  examples?: readonly string[];
}

type ValueOf<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : S['type'] extends 'string' ? string : number;

/** The parsed flags: one entry per declared flag, undefined when absent. */
export type ParsedFlags<F extends Readonly<Record<string, FlagSpec>>> = { -readonly [K in keyof F]: ValueOf<F[K]> | undefined };

export interface ParsedArgs<F extends Readonly<Record<string, FlagSpec>>> {
  flags: ParsedFlags<F>;
  positionals: string[];
  /** `-h` or `--help` was given (the flags were not checked further). */
  help: boolean;
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : null;
}

function convert(command: string, name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices !== undefined && !spec.choices.includes(raw)) {
      const hint = suggest(raw, spec.choices);
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}; got '${raw}'${hint !== null ? ` (did you mean '${hint}'?)` : ''}`, command);
    }
    return raw;
  }
  const kind = spec.type === 'int' ? 'an integer' : 'a number';
  // Number('') is 0 and Number('0x10') is 16: accept only plain decimal (or exponent) notation.
  const plain = spec.type === 'int' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const value = Number(raw);
  if (!plain.test(raw.trim()) || !Number.isFinite(value) || (spec.type === 'int' && !Number.isSafeInteger(value))) {
    throw new UsageError(`--${name} expects ${kind}, got '${raw}'`, command);
  }
  if (spec.min !== undefined && (spec.exclusiveMin === true ? value <= spec.min : value < spec.min)) {
    throw new UsageError(`--${name} must be ${spec.exclusiveMin === true ? 'greater than' : 'at least'} ${spec.min}, got ${raw}`, command);
  }
  return value;
}

/**
 * Parses `argv` (the words after the command name) against `spec`. Throws UsageError on any
 * mistake; a flag given twice keeps its last value, as most tools do.
 */
export function parseArgs<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedArgs<S['flags']> {
  const flags: Record<string, string | number | boolean | undefined> = {};
  for (const name of Object.keys(spec.flags)) flags[name] = undefined;
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (onlyPositionals || !word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      continue;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    if (!word.startsWith('--')) throw new UsageError(`unknown option '${word}' (options are spelled --name; see 'tessera ${spec.name} --help')`, spec.name);
    const eq = word.indexOf('=');
    let name = eq >= 0 ? word.slice(2, eq) : word.slice(2);
    const inline = eq >= 0 ? word.slice(eq + 1) : undefined;
    let negated = false;
    if (!(name in spec.flags) && name.startsWith('no-') && spec.flags[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const flag = spec.flags[name];
    if (flag === undefined) {
      const visible = Object.entries(spec.flags).filter(([, f]) => f.hidden !== true).map(([n]) => n);
      const hint = suggest(name, visible);
      throw new UsageError(`unknown option '--${name}'${hint !== null ? ` (did you mean '--${hint}'?)` : ''}; see 'tessera ${spec.name} --help'`, spec.name);
    }
    if (flag.type === 'boolean') {
      if (inline !== undefined) {
        if (negated || !['true', 'false'].includes(inline)) throw new UsageError(`--${name} is a switch; write --${name} or --no-${name}, not '${word}'`, spec.name);
        flags[name] = inline === 'true';
      } else flags[name] = !negated;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      // A following flag is not a value; a negative number is (`--shift -1`).
      if (next === undefined || (next.startsWith('--') && next.length > 2) || (next.startsWith('-') && next.length > 1 && Number.isNaN(Number(next)))) {
        throw new UsageError(`--${name} needs a value (${metavarOf(flag)})`, spec.name);
      }
      raw = next;
      i++;
    }
    if (raw === '') throw new UsageError(`--${name} needs a value (${metavarOf(flag)}), got an empty string`, spec.name);
    flags[name] = convert(spec.name, name, flag, raw);
  }
  if (!help) {
    const declared = spec.positionals ?? [];
    const required = declared.filter((p) => p.required === true).length;
    if (positionals.length < required) {
      const missing = declared.filter((p) => p.required === true)[positionals.length]!;
      throw new UsageError(`missing <${missing.name}> (${missing.description.charAt(0).toLowerCase()}${missing.description.slice(1)})`, spec.name);
    }
    if (positionals.length > declared.length) {
      const extra = positionals[declared.length]!;
      throw new UsageError(`unexpected argument '${extra}'${declared.length === 0 ? ` ('tessera ${spec.name}' takes only --options)` : ''}`, spec.name);
    }
  }
  return { flags: flags as ParsedFlags<S['flags']>, positionals, help };
}

function metavarOf(flag: FlagSpec): string {
  if (flag.metavar !== undefined) return flag.metavar;
  if (flag.choices !== undefined) return flag.choices.join('|');
  return flag.type === 'int' ? 'integer' : flag.type;
}

/** The usage line: `tessera predict <input> [options]`. */
export function usageLine(spec: CommandSpec): string {
  const positionals = (spec.positionals ?? []).map((p) => (p.required === true ? `<${p.name}>` : `[${p.name}]`));
  return ['tessera', spec.name, ...positionals, Object.keys(spec.flags).length > 0 ? '[options]' : ''].filter((s) => s !== '').join(' ');
}

/** The command's full help: usage, description, arguments, options and examples. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary];
  if (spec.details !== undefined) lines.push('', spec.details);
  const positionals = spec.positionals ?? [];
  if (positionals.length > 0) {
    lines.push('', 'Arguments:');
    const width = Math.max(...positionals.map((p) => p.name.length)) + 2;
    for (const p of positionals) lines.push(`  ${p.name.padEnd(width)}${p.description}`);
  }
  const visible = Object.entries(spec.flags).filter(([, f]) => f.hidden !== true);
  const left = visible.map(([name, f]) => (f.type === 'boolean' ? `--${name}` : `--${name} <${metavarOf(f)}>`));
  lines.push('', 'Options:');
  const width = Math.max(...left.map((s) => s.length), '-h, --help'.length) + 2;
  visible.forEach(([, f], i) => lines.push(`  ${left[i]!.padEnd(width)}${f.description}${f.defaultText !== undefined ? ` (default: ${f.defaultText})` : ''}`));
  lines.push(`  ${'-h, --help'.padEnd(width)}Show this help`);
  if (spec.examples !== undefined && spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n') + '\n';
}
