// ops/nn/embedding.ts: under construction
export {};
