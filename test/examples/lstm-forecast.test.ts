import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, syntheticSeries } from '../../examples/lstm-forecast.js';

test('lstm-forecast: the loss falls and the LSTM beats the seasonal-naive baseline', async () => {
  const r = await main({ length: 500, window: 50, hidden: 16, epochs: 4, log: () => {} });
  assert.ok(r.losses[r.losses.length - 1]! < r.losses[0]!, `losses ${r.losses.join(', ')}`);
  assert.ok(r.lstm.mae < r.seasonalNaive.mae, `LSTM MAE ${r.lstm.mae} vs seasonal naive ${r.seasonalNaive.mae}`);
  assert.ok(r.lstm.rmse >= r.lstm.mae);
});

test('lstm-forecast reads a CSV column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'forecast-'));
  const series = syntheticSeries(300, 3);
  const csv = 'month,sales\n' + Array.from(series, (v, t) => `${t},${v.toFixed(5)}`).join('\n');
  writeFileSync(join(dir, 'sales.csv'), csv);
  const lines: string[] = [];
  const r = await main({ csv: join(dir, 'sales.csv'), column: 'sales', period: 12, window: 24, hidden: 8, epochs: 2, log: (l) => lines.push(l) });
  assert.ok(Number.isFinite(r.lstm.mae) && Number.isFinite(r.seasonalNaive.rmse));
  assert.match(lines[0]!, /column 'sales' of .*sales.csv: 300 values/);
  await assert.rejects(main({ csv: join(dir, 'sales.csv'), log: () => {} }), /lstm-forecast: --csv needs --column <name>/);
});
