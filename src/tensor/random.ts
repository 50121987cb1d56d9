// tensor/random.ts: under construction
export {};
