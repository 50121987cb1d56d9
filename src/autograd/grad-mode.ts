/** Global switches read by every op: whether to record the graph, and whether to hunt NaNs. */
let gradEnabled = true;
let anomalyEnabled = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

/** Runs `fn` without recording the graph (for evaluation and in-place parameter updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

export function withAnomalyMode<T>(enabled: boolean, fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = enabled;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}
