// ops/nn/interpolate.ts: under construction
export {};
