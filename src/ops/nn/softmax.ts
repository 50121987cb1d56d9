// ops/nn/softmax.ts: under construction
export {};
