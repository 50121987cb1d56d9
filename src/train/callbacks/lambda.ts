/** LambdaCallback: hooks from plain functions. */
import type { Callback } from '../types.js';

/**
 * A callback built from functions, for one-off hooks.
 *
 * ```ts
 * new train.LambdaCallback({ onEpochEnd: (s) => console.log(s.epoch, s.logs.val_loss) });
 * ```
 */
export class LambdaCallback implements Callback {
  constructor(hooks: Callback) {
    if (hooks === null || typeof hooks !== 'object') throw new Error('LambdaCallback: expected an object of hooks such as { onEpochEnd }');
    const names = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
    for (const key of Object.keys(hooks)) {
      if (!(names as readonly string[]).includes(key)) throw new Error(`LambdaCallback: unknown hook '${key}' (known: ${names.join(', ')})`);
    }
    for (const name of names) {
      const fn = hooks[name];
      if (fn === undefined) continue;
      if (typeof fn !== 'function') throw new Error(`LambdaCallback: ${name} must be a function, got ${typeof fn}`);
      this[name] = fn;
    }
  }
  onTrainBegin?: Callback['onTrainBegin'];
  onEpochBegin?: Callback['onEpochBegin'];
  onBatchBegin?: Callback['onBatchBegin'];
  onBatchEnd?: Callback['onBatchEnd'];
  onEpochEnd?: Callback['onEpochEnd'];
  onTrainEnd?: Callback['onTrainEnd'];
}
