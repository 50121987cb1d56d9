/**
 * The whole conformance table on the native backend with every native kernel forced on, whatever
 * the size: the table's samples are small, so with the default thresholds most of them would run
 * on the reference kernels (test/conformance/conformance.test.ts covers that configuration).
 */
import { it } from 'node:test';
import { runConformance } from '../../conformance/harness.js';
import { TABLE } from '../../conformance/table.js';
import { setNativeThresholds } from '../../../src/backend/native/elementwise.js';
import { skipReason } from './support.js';

if (skipReason !== null) {
  const reason = skipReason;
  it('conformance with native kernels forced on', (t) => t.skip(reason));
} else {
  // This file runs in its own process: the setting holds for every test below and nothing else.
  setNativeThresholds({ cheap: 0, costly: 0 });
  runConformance(TABLE, 'native');
}
