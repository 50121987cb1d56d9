/**
 * The conformance suite: one table with an entry for every public op, and one generic runner that
 * checks each entry on a backend. The table's type is keyed by the ops module's exports, so adding an
 * op without an entry fails the type-check.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as ops from '../../src/ops/index.js';
import { Tensor, gradcheck, gradgradcheck, setBackend, backend, isFloating } from '../../src/index.js';
import type { NestedArray } from '../../src/tensor/creation.js';
import { assertClose, assertThrowsMatching, nonContiguous } from '../helpers.js';

export type OpName = keyof typeof ops;

/** The layouts and shapes every entry should exercise (or say why one does not apply). */
export type SampleKind = 'contiguous' | 'broadcast' | 'zero-size' | '0-d';

export interface Sample {
  kind: SampleKind | string;
  inputs: Tensor[];
  /** A hand-derived or well-known result (values of the first output). */
  expected?: NestedArray;
  /** Tolerance override, with the reason in a comment at the entry. */
  rtol?: number;
  atol?: number;
  /** Skip gradcheck for this sample (say why at the entry). */
  noGradcheck?: boolean;
  /** Also run gradgradcheck. */
  gradgrad?: boolean;
}

export interface ErrorCase {
  name: string;
  call: () => unknown;
  /** The message must match; by convention it starts with the op's name. */
  message: RegExp;
}

export interface OpEntry {
  call: (...inputs: Tensor[]) => Tensor | readonly Tensor[];
  samples: () => Sample[];
  /** Whether gradients flow to the floating inputs (gradcheck runs on every sample when true). */
  differentiable: boolean;
  errors: () => ErrorCase[];
  /** Sample kinds that cannot apply, with the reason (a matmul has no 0-d form). */
  notApplicable?: Partial<Record<SampleKind, string>>;
  /** Checked on the reference backend only (random ops, whose streams backends need not share). */
  referenceOnly?: boolean;
}

/** An op that is another entry under a second name (`broadcastTo` for `expand`). */
export interface Alias {
  aliasOf: OpName;
}

export type OpTable = { [K in OpName]: OpEntry | Alias };
export type OpTableFragment = Partial<Record<OpName, OpEntry | Alias>>;

const REQUIRED_KINDS: SampleKind[] = ['contiguous', 'broadcast', 'zero-size', '0-d'];

function outputsOf(r: Tensor | readonly Tensor[]): Tensor[] {
  return r instanceof Tensor ? [r] : [...r];
}

function toDouble(t: Tensor): Tensor {
  return isFloating(t.dtype) ? t.detach().to('float64').contiguous().clone().requiresGrad_(true) : t;
}

/** Runs every entry of `table` on the named backend, comparing with the reference backend when different. */
export function runConformance(table: OpTable, backendName: string): void {
  describe(`conformance on the '${backendName}' backend`, () => {
    for (const [name, raw] of Object.entries(table) as [OpName, OpEntry | Alias][]) {
      if ('aliasOf' in raw) continue;
      const entry = raw;
      if (entry.referenceOnly && backendName !== 'js') continue;
      describe(name, () => {
        it('covers the required sample kinds', () => {
          const kinds = new Set(entry.samples().map((s) => s.kind));
          for (const k of REQUIRED_KINDS) {
            assert.ok(kinds.has(k) || entry.notApplicable?.[k], `${name}: no '${k}' sample and no reason why it does not apply`);
          }
        });
        it('computes the expected values, whatever the layout', () => {
          withBackend(backendName, () => {
            for (const s of entry.samples()) {
              const outs = outputsOf(entry.call(...s.inputs));
              if (s.expected !== undefined) {
                assertClose(outs[0]!, s.expected, { message: `${name} (${s.kind})`, rtol: s.rtol, atol: s.atol });
              }
              const strided = outputsOf(entry.call(...s.inputs.map(nonContiguous)));
              outs.forEach((o, i) => assertClose(strided[i]!, o, { message: `${name} (${s.kind}, non-contiguous output ${i})`, rtol: s.rtol, atol: s.atol }));
            }
          });
        });
        if (backendName !== 'js') {
          it('matches the reference backend', () => {
            for (const s of entry.samples()) {
              const mine = withBackend(backendName, () => outputsOf(entry.call(...s.inputs)));
              const ref = withBackend('js', () => outputsOf(entry.call(...s.inputs)));
              mine.forEach((o, i) => assertClose(o, ref[i]!, { message: `${name} (${s.kind}) output ${i}`, rtol: s.rtol, atol: s.atol }));
            }
          });
        }
        if (entry.differentiable) {
          it('passes gradcheck in float64', () => {
            withBackend(backendName, () => {
              for (const s of entry.samples()) {
                if (s.noGradcheck || s.inputs.some((t) => t.numel === 0)) continue;
                const inputs = s.inputs.map(toDouble);
                gradcheck(entry.call, inputs);
                if (s.gradgrad) gradgradcheck(entry.call, inputs);
              }
            });
          });
        }
        it('rejects bad input with a clear error', () => {
          const cases = entry.errors();
          assert.ok(cases.length > 0, `${name}: no error cases`);
          withBackend(backendName, () => {
            for (const c of cases) assertThrowsMatching(c.call, c.message);
          });
        });
      });
    }
  });
}

function withBackend<T>(name: string, fn: () => T): T {
  const previous = backend().name;
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}
