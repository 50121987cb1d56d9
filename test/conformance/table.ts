/**
 * The full conformance table: one entry per public op. Typed as `OpTable`, so an op exported from
 * src/ops/ without an entry here is a type error.
 */
import type { OpTable } from './harness.js';
import { arithmetic } from './ops/arithmetic.js';
import { unary } from './ops/unary.js';
import { compare } from './ops/compare.js';
import { cast } from './ops/cast.js';
import { reduce } from './ops/reduce.js';
import { scan } from './ops/scan.js';
import { view } from './ops/view.js';
import { shape } from './ops/shape.js';
import { indexing } from './ops/indexing.js';
import { sort } from './ops/sort.js';
import { linalg } from './ops/linalg.js';
import { nn } from './ops/nn.js';
import { inplace } from './ops/inplace.js';

export const TABLE: OpTable = {
  ...arithmetic,
  ...unary,
  ...compare,
  ...cast,
  ...reduce,
  ...scan,
  ...view,
  ...shape,
  ...indexing,
  ...sort,
  ...linalg,
  ...nn,
  ...inplace,
};
