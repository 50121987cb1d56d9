import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, editDistance, formatHelp, parseArgs, suggest, usageLine, type CommandSpec } from '../../src/cli/args.js';

const spec = {
  name: 'demo',
  summary: 'A command for the tests.',
  positionals: [{ name: 'input', description: 'A file', required: true }],
  flags: {
    epochs: { type: 'int', min: 1, description: 'Passes' },
    lr: { type: 'number', min: 0, exclusiveMin: true, description: 'Learning rate' },
    shift: { type: 'int', description: 'Shift' },
    optimizer: { type: 'string', choices: ['sgd', 'adam'], description: 'Optimizer' },
    out: { type: 'string', description: 'Folder', metavar: 'dir' },
    quiet: { type: 'boolean', description: 'Less output' },
    limit: { type: 'int', description: 'For tests', hidden: true },
  },
  examples: ['tessera demo x --epochs 2'],
} as const satisfies CommandSpec;

const usage = (argv: string[], message: RegExp): void => {
  assert.throws(() => parseArgs(spec, argv), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.command === 'demo');
};

describe('parseArgs', () => {
  it('reads typed flags in both spellings, switches and positionals', () => {
    const { flags, positionals, help } = parseArgs(spec, ['in.png', '--epochs', '3', '--lr=0.5', '--optimizer', 'adam', '--quiet', '--out', 'runs/a', '--shift', '-2']);
    assert.deepEqual(flags, { epochs: 3, lr: 0.5, shift: -2, optimizer: 'adam', out: 'runs/a', quiet: true, limit: undefined });
    assert.deepEqual(positionals, ['in.png']);
    assert.equal(help, false);
  });

  it('accepts exponents, --no-switch, --switch=false, -- and a repeated flag (last wins)', () => {
    assert.equal(parseArgs(spec, ['x', '--lr', '1e-3']).flags.lr, 0.001);
    assert.equal(parseArgs(spec, ['x', '--no-quiet']).flags.quiet, false);
    assert.equal(parseArgs(spec, ['x', '--quiet=false']).flags.quiet, false);
    assert.deepEqual(parseArgs(spec, ['--', '--weird-name']).positionals, ['--weird-name']);
    assert.equal(parseArgs(spec, ['x', '--epochs', '2', '--epochs', '5']).flags.epochs, 5);
  });

  it('reports help without checking positionals', () => {
    assert.equal(parseArgs(spec, ['-h']).help, true);
    assert.equal(parseArgs(spec, ['--help']).help, true);
  });

  it('rejects unknown flags, suggesting a close one', () => {
    usage(['x', '--epoch', '3'], /^unknown option '--epoch' \(did you mean '--epochs'\?\)/);
    usage(['x', '--frobnicate'], /^unknown option '--frobnicate'; see 'tessera demo --help'$/);
    usage(['x', '-e', '3'], /^unknown option '-e' \(options are spelled --name/);
    // Hidden flags work but are not suggested.
    assert.equal(parseArgs(spec, ['x', '--limit', '4']).flags.limit, 4);
    usage(['x', '--limt', '4'], /^unknown option '--limt'; see/);
  });

  it('rejects missing values and values that are not numbers of the right kind', () => {
    usage(['x', '--epochs'], /^--epochs needs a value \(integer\)$/);
    usage(['x', '--epochs', '--quiet'], /^--epochs needs a value/);
    usage(['x', '--out='], /^--out needs a value \(dir\), got an empty string$/);
    usage(['x', '--epochs', 'three'], /^--epochs expects an integer, got 'three'$/);
    usage(['x', '--epochs', '2.5'], /^--epochs expects an integer, got '2.5'$/);
    usage(['x', '--epochs', '0x10'], /^--epochs expects an integer/);
    usage(['x', '--lr', 'fast'], /^--lr expects a number, got 'fast'$/);
    usage(['x', '--lr', 'Infinity'], /^--lr expects a number/);
    usage(['x', '--lr', ''], /^--lr needs a value/);
  });

  it('enforces minimums and choices', () => {
    usage(['x', '--epochs', '0'], /^--epochs must be at least 1, got 0$/);
    usage(['x', '--lr', '0'], /^--lr must be greater than 0, got 0$/);
    usage(['x', '--optimizer', 'adma'], /^--optimizer must be one of sgd, adam; got 'adma' \(did you mean 'adam'\?\)$/);
    usage(['x', '--quiet=yes'], /^--quiet is a switch; write --quiet or --no-quiet/);
  });

  it('checks the positionals', () => {
    usage([], /^missing <input> \(a file\)$/);
    usage(['a', 'b'], /^unexpected argument 'b'$/);
  });
});

describe('help and suggestions', () => {
  it('formats a usage line and a help text with options and examples, hiding hidden flags', () => {
    assert.equal(usageLine(spec), 'tessera demo <input> [options]');
    const help = formatHelp(spec);
    assert.match(help, /^Usage: tessera demo <input> \[options\]\n\nA command for the tests\./);
    assert.match(help, /--optimizer <sgd\|adam> +Optimizer/);
    assert.match(help, /--out <dir> +Folder/);
    assert.match(help, /-h, --help +Show this help/);
    assert.match(help, /Examples:\n  tessera demo x --epochs 2/);
    assert.doesNotMatch(help, /--limit/);
  });

  it('measures edit distance with transpositions and suggests only close words', () => {
    assert.equal(editDistance('train', 'train'), 0);
    assert.equal(editDistance('trian', 'train'), 1);
    assert.equal(editDistance('eval', 'evaluate'), 4);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(suggest('trian', ['train', 'eval']), 'train');
    assert.equal(suggest('xyz', ['train', 'eval']), null);
  });
});
