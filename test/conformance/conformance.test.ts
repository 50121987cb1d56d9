/** Every public op, on the reference backend (and on every other registered backend). */
import { runConformance } from './harness.js';
import { TABLE } from './table.js';
import { listBackends } from '../../src/index.js';

for (const name of listBackends()) runConformance(TABLE, name);
