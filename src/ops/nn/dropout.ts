// ops/nn/dropout.ts: under construction
export {};
