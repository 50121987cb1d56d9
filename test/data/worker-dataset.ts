/**
 * A dataset module for the DataLoader worker tests: workers import it and call `makeDataset`. It
 * must have no side effects at import, since every worker imports it.
 */
import { arange, tensor } from '../../src/index.js';
import { TensorDataset, type Dataset } from '../../src/data/index.js';

/** n samples [x_i (float32 [2]), y_i (int32)], x_i = [i + noise, 2i], noise drawn from the sample's generator. */
export function makeDataset(n: number): Dataset<unknown> {
  const x = arange(2 * n).reshape([n, 2]);
  const y = tensor(Array.from({ length: n }, (_, i) => i % 3), { dtype: 'int32' });
  return new TensorDataset(x, y).map(([xi, yi], rng) => [xi!.add(rng.nextFloat32()), yi]);
}

/** A dataset whose sample 3 fails, to check that worker errors reach the caller. */
export function makeFailing(): Dataset<number> {
  return {
    length: 5,
    get(i: number): number {
      if (i === 3) throw new Error('sample 3 is broken');
      return i;
    },
  };
}
