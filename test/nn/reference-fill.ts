/**
 * Deterministic weights and inputs shared with the PyTorch reference scripts behind the sequence-model
 * tests (attention, rnn, transformer): state-dict entry `idx` gets 0.3 sin(1.7 j + 0.9 idx + 0.1) at
 * flat position j; inputs are cos(0.7 j + phase). The same formulas in Python give the same tensors,
 * so reference outputs computed there can be pasted into the tests.
 */
import { noGrad, tensor, type Tensor, type nn } from '../../src/index.js';

export function fillDeterministic(m: nn.Module): void {
  Object.values(m.stateDict()).forEach((p, idx) => {
    const v = Float64Array.from({ length: p.numel }, (_, j) => 0.3 * Math.sin(1.7 * j + 0.9 * idx + 0.1));
    noGrad(() => p.copy_(tensor(v, { shape: p.shape })));
  });
}

export function wave(shape: number[], phase = 0.3): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float64Array.from({ length: n }, (_, j) => Math.cos(0.7 * j + phase)), { shape });
}

/** The values of t as a flat float64 tensor. */
export const flat = (t: Tensor): Tensor => tensor(Float64Array.from(t.toArray()));
