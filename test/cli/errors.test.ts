/** Mistakes in the command line: exit code 2 and one clear message, never a stack trace (run in-process). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasStackTrace, tesseraInProcess as tessera } from './run-cli.js';

describe('tessera: mistakes in the command line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['trian'], /^tessera: unknown command 'trian' \(did you mean 'train'\?\)/],
    [['help', 'trainer'], /^tessera help: unknown command 'trainer'; commands: train, eval, predict, bench, doctor/],
    [['--threads', '2'], /^tessera: unknown option '--threads' before the command/],
    [['train', '--epochs', 'x'], /^tessera train: --epochs expects an integer, got 'x'\nUsage: tessera train \[options\]\n$/],
    [['train', '--epoch', '3'], /^tessera train: unknown option '--epoch' \(did you mean '--epochs'\?\)/],
    [['train', '--bogus'], /^tessera train: unknown option '--bogus'/],
    [['train', '--lr'], /^tessera train: --lr needs a value/],
    [['train', '--lr', '-0.1'], /^tessera train: --lr must be greater than 0, got -0.1/],
    [['train', '--batch-size', '0'], /^tessera train: --batch-size must be at least 1, got 0/],
    [['train', '--threads', 'two'], /^tessera train: --threads expects an integer, got 'two'/],
    [['doctor', '--threads', '5000'], /^tessera doctor: --threads 5000: expected an integer from 1 to 1024, got 5000/],
    [['train', '--optimizer', 'adma'], /did you mean 'adam'/],
    [['train', '--model', 'resnet'], /^tessera train: --model: unknown model 'resnet'; known models: digit-cnn, cnn, mlp, lecun1989/],
    [['train', 'extra'], /^tessera train: unexpected argument 'extra'/],
    [['train', '--backend', 'gpu'], /^tessera train: --backend must be one of native, js; got 'gpu'/],
    [['train', '--resume', 'no-such-checkpoint.safetensors'], /^tessera train: --resume 'no-such-checkpoint.safetensors': no such file/],
    [['predict'], /^tessera predict: missing <input> \(an image file/],
    [['predict', 'a.png', 'b.png', '--model-file', 'm'], /^tessera predict: unexpected argument 'b.png'/],
    [['predict', 'a.png'], /^tessera predict: --model-file <path> is required/],
    [['eval'], /^tessera eval: --model-file <path> is required/],
    [['eval', '--model-file'], /^tessera eval: --model-file needs a value \(path\)/],
    [['bench', '--only', 'nothing'], /^tessera bench: --only must be one of matmul, digit-cnn, mlp, overhead/],
    [['bench', '--seconds', '0'], /^tessera bench: --seconds must be greater than 0/],
    [['doctor', '--verbose'], /^tessera doctor: unknown option '--verbose'/],
  ];
  for (const [args, message] of cases) {
    it(`tessera ${args.join(' ')}`, async () => {
      const r = await tessera(args);
      assert.equal(r.code, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(!hasStackTrace(r.stderr), `a stack trace in: ${r.stderr}`);
    });
  }

  it('tessera with no command shows the overview with exit code 2; help shows it with 0', async () => {
    const none = await tessera([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^tessera \d+\.\d+\.\d+: deep learning for TypeScript\n\nUsage: tessera <command> \[options\]/);
    const help = await tessera(['help']);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, none.stdout);
  });

  it("each command's --help shows its options and examples, not the hidden test flags", async () => {
    const train = await tessera(['train', '--help']);
    assert.equal(train.code, 0);
    assert.match(train.stdout, /^Usage: tessera train \[options\]/);
    for (const flag of ['--model', '--epochs', '--batch-size', '--lr', '--optimizer', '--seed', '--data', '--out', '--resume', '--threads', '--backend', '--quiet']) {
      assert.ok(train.stdout.includes(flag), `train --help does not mention ${flag}`);
    }
    assert.doesNotMatch(train.stdout, /--limit/);
    for (const name of ['eval', 'predict', 'bench', 'doctor']) {
      const r = await tessera([name, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: tessera ${name}`));
      assert.match(r.stdout, /\nExamples:\n {2}tessera /);
      assert.deepEqual(await tessera(['help', name]), r);
    }
  });
});
