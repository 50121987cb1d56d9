// ops/scan.ts: under construction
export {};
