/**
 * Preprocessing for tables: scalers for numeric features (fit on the training set, then applied to
 * every split) and encoders for categories. Every one saves its fitted state as plain JSON
 * (`stateDict()`), so preprocessing can be stored next to a model and restored with `loadStateDict()`.
 * Statistics are computed in float64 and skip NaNs, so missing values pass through as NaN.
 */
export * from './scalers.js';
export * from './encoders.js';
