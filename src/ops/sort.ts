// ops/sort.ts: under construction
export {};
