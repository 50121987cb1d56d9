/**
 * One-step-ahead forecasting with an LSTM, against a seasonal-naive baseline (the value one season
 * ago). The series is synthetic by default: two seasons (periods 12 and 48), a linear trend and
 * Gaussian noise; or a numeric column of a CSV file. Sliding windows of `--window` past values
 * predict the next one; the first 80% of the series trains, the rest is the test period. Values are
 * standardized with the training period's mean and deviation, and the model predicts the change from
 * the window's last value (so the trend does not push the test period out of the training range).
 *
 * Run: `node --import tsx examples/lstm-forecast.ts [--epochs 15] [--window 64] [--hidden 32]
 *   [--length 1200] [--csv file --column name --period 12] [--seed 0]`
 */
import { pathToFileURL } from 'node:url';
import { Generator, Tensor, data, fromArray, manualSeed, nn, noGrad, optim, randperm, tidy } from '../src/index.js';

export interface ForecastOptions {
  /** A CSV file and the numeric column to forecast (instead of the synthetic series). */
  csv?: string;
  column?: string;
  /** Season length of the seasonal-naive baseline (default 48 for the synthetic series, else 12). */
  period?: number;
  /** Length of the synthetic series (default 1200). */
  length?: number;
  window?: number;
  hidden?: number;
  epochs?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface ForecastErrors {
  mae: number;
  rmse: number;
}

export interface ForecastResult {
  lstm: ForecastErrors;
  seasonalNaive: ForecastErrors;
  /** Mean training loss (standardized MSE) of each epoch. */
  losses: number[];
}

/** y_t = sin(2 pi t / 12) + 0.6 sin(2 pi t / 48) + 0.004 t + N(0, 0.15^2). */
export function syntheticSeries(length: number, seed = 0): Float64Array {
  const g = new Generator(seed);
  const y = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    // Box-Muller from two uniforms of the seeded generator.
    const noise = Math.sqrt(-2 * Math.log(1 - g.nextFloat64())) * Math.cos(2 * Math.PI * g.nextFloat64());
    y[t] = Math.sin((2 * Math.PI * t) / 12) + 0.6 * Math.sin((2 * Math.PI * t) / 48) + 0.004 * t + 0.15 * noise;
  }
  return y;
}

function csvSeries(path: string, column: string): Float64Array {
  const table = data.loadCsv(path, { columns: [column], types: { [column]: 'number' }, fill: 'drop', dtype: 'float64' });
  return Float64Array.from(table.features.reshape(-1).toArray() as Float64Array);
}

function errors(pred: ArrayLike<number>, truth: ArrayLike<number>): ForecastErrors {
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = pred[i]! - truth[i]!;
    abs += Math.abs(e);
    sq += e * e;
  }
  return { mae: abs / truth.length, rmse: Math.sqrt(sq / truth.length) };
}

/** LSTM over the window, a linear read-out of the last hidden state. */
class Forecaster extends nn.Module {
  lstm: nn.LSTM;
  head: nn.Linear;

  constructor(hidden: number) {
    super();
    this.lstm = new nn.LSTM(1, hidden, { batchFirst: true });
    this.head = new nn.Linear(hidden, 1);
  }

  override forward(x: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(x.unsqueeze(-1)) as [Tensor, [Tensor, Tensor]];
    return this.head.forward(h.select(0, 0)).squeeze(-1);
  }
}

export async function main(options: ForecastOptions = {}): Promise<ForecastResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { window = 64, hidden = 32, epochs = 15, batch = 32, lr = 1e-2, seed = 0 } = options;
  if (options.csv !== undefined && options.column === undefined) throw new Error('lstm-forecast: --csv needs --column <name>');
  const series = options.csv !== undefined ? csvSeries(options.csv, options.column!) : syntheticSeries(options.length ?? 1200, seed);
  const period = options.period ?? (options.csv !== undefined ? 12 : 48);
  const split = Math.floor(series.length * 0.8);
  if (split <= window + 1 || series.length - split < 2 || period > window) {
    throw new Error(`lstm-forecast: ${series.length} values are too few for window ${window} (and period ${period} must not exceed the window)`);
  }
  let mean = 0;
  for (let t = 0; t < split; t++) mean += series[t]! / split;
  let variance = 0;
  for (let t = 0; t < split; t++) variance += (series[t]! - mean) ** 2 / split;
  const std = Math.sqrt(variance) || 1;
  const z = series.map((v) => (v - mean) / std);

  // Window ending at t - 1 -> target y_t - y_{t-1} (standardized units).
  const windows = (from: number, to: number): [Tensor, Tensor] => {
    const n = to - from;
    const x = new Float32Array(n * window);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = from + i;
      x.set(z.subarray(t - window, t), i * window);
      y[i] = z[t]! - z[t - 1]!;
    }
    return [fromArray(x, [n, window], 'float32'), fromArray(y, [n], 'float32')];
  };
  const [trainX, trainY] = windows(window, split);
  const [testX] = windows(split, series.length);

  manualSeed(seed);
  const model = new Forecaster(hidden);
  const opt = new optim.Adam(model.parameters(), { lr });
  const schedule = new optim.CosineAnnealingLR(opt, { TMax: epochs, etaMin: lr / 20 });
  const label = options.csv !== undefined ? `column '${options.column}' of ${options.csv}` : 'the synthetic two-season series';
  log(`lstm-forecast on ${label}: ${series.length} values, window ${window}, ${trainX.shape[0]} training windows, ${testX.shape[0]} test steps, LSTM(${hidden})`);
  const losses: number[] = [];
  const n = trainX.shape[0]!;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = randperm(n, { generator: new Generator(seed * 1000 + epoch) });
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += batch) {
      const idx = order.narrow(0, start, Math.min(batch, n - start));
      sum += tidy(() => {
        opt.zeroGrad();
        const loss = nn.functional.mseLoss(model.forward(trainX.indexSelect(0, idx)), trainY.indexSelect(0, idx));
        loss.backward();
        optim.clipGradNorm(model.parameters(), 1);
        opt.step();
        return loss.item();
      });
      batches++;
    }
    schedule.step();
    losses.push(sum / batches);
    log(`epoch ${epoch}: train MSE ${(sum / batches).toFixed(4)} (standardized)`);
  }

  model.eval();
  const change = noGrad(() => model.forward(testX).toArray());
  const truth = series.subarray(split);
  const predicted = truth.map((_, i) => series[split + i - 1]! + change[i]! * std);
  const naive = truth.map((_, i) => series[split + i - period]!);
  const result = { lstm: errors(predicted, truth), seasonalNaive: errors(naive, truth), losses };
  log(`test period (${truth.length} steps):`);
  log(`  LSTM            MAE ${result.lstm.mae.toFixed(4)}  RMSE ${result.lstm.rmse.toFixed(4)}`);
  log(`  seasonal naive  MAE ${result.seasonalNaive.mae.toFixed(4)}  RMSE ${result.seasonalNaive.rmse.toFixed(4)}  (y[t - ${period}])`);
  return result;
}

function parseArgs(argv: readonly string[]): ForecastOptions {
  const options: ForecastOptions = {};
  const numeric = ['--epochs', '--window', '--hidden', '--length', '--period', '--batch', '--lr', '--seed'];
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--csv') options.csv = value;
    else if (flag === '--column') options.column = value;
    else if (numeric.includes(flag)) {
      const v = Number(value);
      if (!Number.isFinite(v) || v < 0) throw new Error(`lstm-forecast: ${flag} must be a number >= 0, got ${String(value)}`);
      (options as Record<string, number>)[flag.slice(2)] = v;
    } else throw new Error(`lstm-forecast: unknown flag ${flag} (see the comment at the top of examples/lstm-forecast.ts)`);
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
