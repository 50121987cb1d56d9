// ops/indexing.ts: under construction
export {};
