import { withAnomalyMode } from './grad-mode.js';

export { AnomalyError } from './anomaly-check.js';

/**
 * Runs `fn` with anomaly detection: the first op whose forward output, or whose backward gradient,
 * contains NaN or Inf throws an `AnomalyError` naming that op. Slower; meant for debugging.
 *
 * ```ts
 * detectAnomaly(() => x.log().sum().backward()); // throws if log produced -Inf
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  return withAnomalyMode(true, fn);
}
