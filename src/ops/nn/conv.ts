// ops/nn/conv.ts: under construction
export {};
