/**
 * Conformance entries for ops/inplace.ts. Each call clones its first input before writing into it:
 * the harness calls an entry many times on the same inputs (and gradcheck needs a non-leaf to write
 * into). Writes into non-contiguous destinations are covered in test/ops/inplace.test.ts.
 */
import { add_, sub_, mul_, div_, fill_, copy_, tensor, zeros, Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

/** Samples for `self op= other`: the result keeps self's shape, so only `other` broadcasts. */
function inplaceSamples(low2 = -1, high2 = 1): Sample[] {
  return [
    { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1 }), uniform([2, 3], { seed: 2, low: low2, high: high2 })], gradgrad: true },
    { kind: 'broadcast', inputs: [uniform([3, 4], { seed: 3 }), uniform([4], { seed: 4, low: low2, high: high2 })] },
    { kind: 'broadcast', inputs: [uniform([3, 2], { seed: 5 }), uniform([3, 1], { seed: 6, low: low2, high: high2 })] },
    { kind: 'zero-size', inputs: [zeros([0, 3]), uniform([3], { seed: 7, low: low2, high: high2 })] },
    { kind: '0-d', inputs: [uniform([], { seed: 8 }), uniform([], { seed: 9, low: low2, high: high2 })] },
    { kind: '0-d', inputs: [uniform([2], { seed: 10 }), uniform([], { seed: 11, low: low2, high: high2 })] },
  ];
}

type Binary = (self: Tensor, other: Tensor) => Tensor;

function inplaceEntry(name: string, op: Binary, samples: Sample[], extraErrors: OpEntry['errors'] = () => []): OpEntry {
  const call = (a: Tensor, b: Tensor) => op(a.clone(), b);
  return {
    call: call as OpEntry['call'],
    differentiable: true,
    samples: () => samples,
    errors: () => [
      {
        name: 'a leaf that requires grad',
        call: () => op(zeros([2], { requiresGrad: true }), zeros([2])),
        message: new RegExp(`^${name}: a leaf tensor that requires grad cannot be modified in place`),
      },
      {
        name: 'other broadcasts to a bigger shape than self',
        call: () => op(zeros([3]), zeros([2, 3])),
        message: new RegExp(`^${name}: other of shape \\[2,3\\] cannot be broadcast to the tensor's shape \\[3\\]`),
      },
      { name: 'shapes that do not broadcast', call: () => op(zeros([2, 3]), zeros([4])), message: new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast`) },
      { name: 'a non-tensor operand', call: () => op(zeros([2]), 'x' as never), message: new RegExp(`^${name}: other must be a Tensor or a number, got string`) },
      { name: 'a non-tensor self', call: () => op([1, 2] as never, zeros([2])), message: new RegExp(`^${name}: input must be a Tensor, got an array`) },
      ...extraErrors(),
    ],
  };
}

const intoInt = (name: string, op: Binary, value: Tensor | number): OpEntry['errors'] => () => [
  {
    name: 'a floating result into an int32 tensor',
    call: () => op(tensor([1, 2], { dtype: 'int32' }), value as Tensor),
    message: new RegExp(`^${name}: a float32 result cannot be written into a int32 tensor in place`),
  },
];

export const inplace = {
  add_: inplaceEntry('add_', (a, b) => add_(a, b), [
    ...inplaceSamples(),
    { kind: 'known values', inputs: [tensor([[1, 2, 3], [4, 5, 6]]), tensor([10, 20, 30])], expected: [[11, 22, 33], [14, 25, 36]] },
    // int32 += int32 stays int32 (no gradient: integer inputs)
    { kind: 'known values (int32)', inputs: [tensor([1, -2], { dtype: 'int32' }), tensor([5, 5], { dtype: 'int32' })], expected: [6, 3] },
  ], intoInt('add_', (a, b) => add_(a, b), 1.5)),
  sub_: inplaceEntry('sub_', (a, b) => sub_(a, b), [
    ...inplaceSamples(),
    { kind: 'known values', inputs: [tensor([5, 7]), tensor([2, 10])], expected: [3, -3] },
  ], intoInt('sub_', (a, b) => sub_(a, b), 0.5)),
  mul_: inplaceEntry('mul_', (a, b) => mul_(a, b), [
    ...inplaceSamples(),
    { kind: 'known values', inputs: [tensor([1.5, -2]), tensor([4, 3])], expected: [6, -6] },
  ], intoInt('mul_', (a, b) => mul_(a, b), 2.5)),
  div_: inplaceEntry('div_', (a, b) => div_(a, b), [
    // divisors kept away from zero, where finite differences blow up
    ...inplaceSamples(0.5, 2),
    { kind: 'known values', inputs: [tensor([1, -3]), tensor([2, 4])], expected: [0.5, -0.75] },
  ], intoInt('div_', (a, b) => div_(a, b), tensor([2, 2], { dtype: 'int32' }))),
  fill_: {
    // The gradient to the filled tensor's history is zero; gradcheck checks exactly that.
    call: ((a: Tensor) => fill_(a.clone(), 2.5)) as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1 })], expected: [[2.5, 2.5, 2.5], [2.5, 2.5, 2.5]] },
      { kind: 'zero-size', inputs: [zeros([0, 3])] },
      { kind: '0-d', inputs: [uniform([], { seed: 2 })], expected: 2.5 },
      // int32 truncates the value, as a cast does
      { kind: 'known values (int32)', inputs: [tensor([7, 8], { dtype: 'int32' })], expected: [2, 2] },
      { kind: 'known values (bool)', inputs: [tensor([false, true])], expected: [true, true] },
    ],
    notApplicable: { broadcast: 'the fill value is a scalar: every sample broadcasts it to the whole tensor' },
    errors: () => [
      { name: 'a leaf that requires grad', call: () => fill_(zeros([2], { requiresGrad: true }), 1), message: /^fill_: a leaf tensor that requires grad cannot be modified in place/ },
      { name: 'a tensor as the value', call: () => fill_(zeros([2]), zeros([1]) as never), message: /^fill_: value must be a number or a boolean, got a float32 tensor of shape \[1\]/ },
      { name: 'a non-tensor self', call: () => fill_(3 as never, 1), message: /^fill_: input must be a Tensor, got number/ },
    ],
  },
  copy_: {
    call: ((a: Tensor, b: Tensor) => copy_(a.clone(), b)) as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [uniform([2, 3], { seed: 1 }), uniform([2, 3], { seed: 2 })], gradgrad: true },
      { kind: 'broadcast', inputs: [uniform([2, 3], { seed: 3 }), uniform([3], { seed: 4 })] },
      { kind: 'zero-size', inputs: [zeros([0, 3]), uniform([3], { seed: 5 })] },
      { kind: '0-d', inputs: [uniform([], { seed: 6 }), uniform([], { seed: 7 })] },
      { kind: '0-d', inputs: [uniform([2], { seed: 8 }), tensor(4)], expected: [4, 4] },
      { kind: 'known values', inputs: [zeros([2, 2]), tensor([1, 2])], expected: [[1, 2], [1, 2]] },
      // float into int32 truncates toward zero, as a cast does
      { kind: 'known values (cast)', inputs: [zeros([3], { dtype: 'int32' }), tensor([1.7, -1.7, 2])], expected: [1, -1, 2] },
    ],
    errors: () => [
      { name: 'a leaf that requires grad', call: () => copy_(zeros([2], { requiresGrad: true }), zeros([2])), message: /^copy_: a leaf tensor that requires grad cannot be modified in place/ },
      { name: 'a source that broadcasts to a bigger shape', call: () => copy_(zeros([3]), zeros([2, 3])), message: /^copy_: source of shape \[2,3\] cannot be broadcast to the tensor's shape \[3\]/ },
      { name: 'shapes that do not broadcast', call: () => copy_(zeros([3]), zeros([4])), message: /^copy_: shapes \[4\] and \[3\] cannot be broadcast/ },
      { name: 'a string source', call: () => copy_(zeros([3]), 'x' as never), message: /^copy_: source must be a Tensor or a number, got string/ },
    ],
  },
} satisfies OpTableFragment;
