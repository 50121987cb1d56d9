// ops/nn/pool.ts: under construction
export {};
