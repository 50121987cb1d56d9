// ops/einsum.ts: under construction
export {};
