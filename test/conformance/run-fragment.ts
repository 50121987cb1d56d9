/**
 * Runs one family's entries while the full table is under construction:
 *   node --import tsx --test test/conformance/run-fragment.ts arithmetic
 */
import { runConformance, type OpTable } from './harness.js';

const family = process.argv[2] ?? process.env['FRAGMENT'];
if (!family) throw new Error('usage: run-fragment.ts <family file in test/conformance/ops>');
const mod = (await import(`./ops/${family}.js`)) as Record<string, unknown>;
const fragment = Object.values(mod).find((v) => typeof v === 'object' && v !== null) as OpTable;
runConformance(fragment, process.env['TESSERA_BACKEND'] ?? 'js');
