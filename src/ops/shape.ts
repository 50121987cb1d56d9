// ops/shape.ts: under construction
export {};
