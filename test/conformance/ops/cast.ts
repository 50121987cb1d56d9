/**
 * Conformance entries for ops/cast.ts. The call converts to int32 (the first output, whose values the
 * samples state), float64 and bool at once. It leaves float32 out: gradcheck's finite differences on
 * a float32 output would be rounding noise (test/tensor/dtype.test.ts covers float32 targets).
 */
import { to, tensor, zeros, Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment } from '../harness.js';
import { uniform } from '../../helpers.js';

const call = (x: Tensor): Tensor[] => [to(x, 'int32'), to(x, 'float64'), to(x, 'bool')];

export const cast = {
  to: {
    call: call as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1, low: -5, high: 5 })], gradgrad: true },
      { kind: 'broadcast', inputs: [uniform([3, 1], { seed: 2, low: -5, high: 5 }).expand([3, 4])] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [uniform([], { seed: 3, low: -5, high: 5 })] },
      // truncation toward zero; out of range saturates and NaN becomes 0 (PyTorch: undefined)
      {
        kind: 'known values: float to int32',
        inputs: [tensor([2.7, -2.7, 0.5, -0.5, -0, 1e10, -1e10, Infinity, -Infinity, NaN])],
        expected: [2, -2, 0, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648, 0],
        noGradcheck: true,
      },
      { kind: 'known values: float64 to int32', inputs: [tensor([2147483647.9, -2147483648.9, 3e9], { dtype: 'float64' })], expected: [2147483647, -2147483648, 2147483647], noGradcheck: true },
      { kind: 'known values: int32', inputs: [tensor([-3, 0, 2147483647], { dtype: 'int32' })], expected: [-3, 0, 2147483647] },
      { kind: 'known values: bool', inputs: [tensor([true, false])], expected: [1, 0] },
    ],
    errors: () => [
      { name: 'an unknown dtype', call: () => to(zeros([2]), 'int64' as never), message: /^to: unknown dtype 'int64' \(expected float32, float64, int32 or bool\)/ },
      { name: 'a number', call: () => to(2 as never, 'int32'), message: /^to: input must be a Tensor, got number/ },
    ],
  },
} satisfies OpTableFragment;
