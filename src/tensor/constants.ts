/** Constants that ops and kernels share (defined once, so a backend and its ops cannot disagree). */

/** SELU's alpha and scale (Klambauer et al. 2017). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;
/** sqrt(2 / pi), in GELU's tanh approximation. */
export const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
