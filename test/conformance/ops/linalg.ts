/**
 * Conformance entries for ops/linalg.ts and ops/einsum.ts. Ops that do not broadcast (mm, bmm, dot,
 * outer) get a 'broadcast' sample with expanded (stride-0) inputs: the layout they must read right.
 * einsum's samples each pick an equation with a 0-d int32 selector as their first input (the entry's
 * call is fixed, the equation is not); the selector needs no gradient, so gradcheck ignores it.
 */
import { bmm, dot, einsum, matmul, mm, outer, tensor, zeros } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { OpEntry, OpTableFragment, Sample } from '../harness.js';
import { uniform } from '../../helpers.js';

const u = (shape: number[], seed: number): Tensor => uniform(shape, { seed });

const EQUATIONS = [
  'ij,jk->ik', // 0 matrix product
  'bhqd,bhkd->bhqk', // 1 attention scores
  'bhqk,bhkd->bhqd', // 2 attention output
  'bi,oij,bj->bo', // 3 bilinear
  'ii->i', // 4 diagonal
  'ii', // 5 trace
  'ij,jk', // 6 implicit output (ik)
  '...ij,...jk->...ik', // 7 batched with broadcast batch dims
  'ij->', // 8 sum of everything
  'i,->i', // 9 a 0-d operand
  'ij,ij->ij', // 10 size-1 labels broadcast
  'ij->ji', // 11 transpose
  'bij->bj', // 12 a sum over one index
  'i,j->ij', // 13 outer product
  '...ii->...i', // 14 batched diagonal
];

/** An einsum sample: the equation's index as a 0-d int32 tensor, then the operands. */
function es(kind: string, equation: string, inputs: Tensor[], extra: Partial<Sample> = {}): Sample {
  const index = EQUATIONS.indexOf(equation);
  if (index < 0) throw new Error(`add '${equation}' to EQUATIONS`);
  return { kind, inputs: [tensor(index, { dtype: 'int32' }), ...inputs], ...extra };
}

const callEinsum = (selector: Tensor, ...operands: Tensor[]): Tensor => einsum(EQUATIONS[selector.item()]!, ...operands);

export const linalg = {
  matmul: {
    call: matmul as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [u([2, 3], 1), u([3, 4], 2)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])], expected: [[19, 22], [43, 50]] },
      { kind: '1-D x 1-D', inputs: [tensor([1, 2, 3]), tensor([4, 5, 6])], expected: 32, gradgrad: true },
      { kind: '1-D x 2-D', inputs: [tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])], expected: [9, 12, 15] },
      { kind: '2-D x 1-D', inputs: [tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 0, -1])], expected: [-2, -2] },
      { kind: 'broadcast', inputs: [u([2, 1, 2, 3], 3), u([3, 3, 2], 4)], gradgrad: true },
      { kind: 'broadcast (1-D x batched)', inputs: [u([3], 5), u([2, 3, 2], 6)] },
      { kind: 'broadcast (expanded batch)', inputs: [u([1, 2, 3], 7).expand(4, 2, 3), u([3, 2], 8)] },
      { kind: 'transposed inputs', inputs: [u([3, 2], 9).T, u([4, 3], 10).T] },
      { kind: 'known values, transposed', inputs: [tensor([[1, 3], [2, 4]]).T, tensor([[5, 7], [6, 8]]).T], expected: [[19, 22], [43, 50]] },
      { kind: 'mixed dtypes (promoted)', inputs: [tensor([[1, 2]], { dtype: 'int32' }), tensor([[0.5], [0.25]], { dtype: 'float64' })], expected: [[1]] },
      { kind: 'int32', inputs: [tensor([[1, 2]], { dtype: 'int32' }), tensor([[3], [4]], { dtype: 'int32' })], expected: [[11]] },
      { kind: 'zero-size', inputs: [zeros([0, 3]), u([3, 4], 11)] },
      { kind: 'zero-size inner dim', inputs: [zeros([2, 0]), zeros([0, 3])], expected: [[0, 0, 0], [0, 0, 0]] },
    ],
    notApplicable: { '0-d': 'matmul needs operands of at least one dimension (see the errors)' },
    errors: () => [
      { name: 'inner dimensions differ', call: () => matmul(zeros([2, 3]), zeros([4, 5])), message: /^matmul: \[2,3\] x \[4,5\]: inner dimensions 3 != 4/ },
      { name: 'vector lengths differ', call: () => matmul(zeros([3]), zeros([4])), message: /^matmul: \[3\] x \[4\]: inner dimensions 3 != 4/ },
      { name: 'batch dims that do not broadcast', call: () => matmul(zeros([2, 2, 3]), zeros([3, 3, 2])), message: /^matmul: \[2,2,3\] x \[3,3,2\]: batch dimensions \[2\] and \[3\] cannot be broadcast/ },
      { name: 'a 0-d operand', call: () => matmul(tensor(2), zeros([2])), message: /^matmul: both operands need at least one dimension, got \[\] x \[2\]/ },
      { name: 'bool operands', call: () => matmul(tensor([true]), tensor([true])), message: /^matmul: bool operands are not supported/ },
      { name: 'a non-tensor', call: () => matmul(zeros([2]), [1, 2] as never), message: /^matmul: second operand must be a Tensor, got an array/ },
    ],
  },
  mm: {
    call: mm as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [u([3, 2], 12), u([2, 4], 13)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([[1, 0], [0, 2]]), tensor([[3], [4]])], expected: [[3], [8]] },
      { kind: 'broadcast', inputs: [u([1, 3], 14).expand(2, 3), u([3, 1], 15).expand(3, 2)] },
      { kind: 'transposed inputs', inputs: [u([2, 3], 16).T, u([4, 2], 17).T] },
      { kind: 'zero-size', inputs: [zeros([2, 0]), zeros([0, 2])], expected: [[0, 0], [0, 0]] },
    ],
    notApplicable: { '0-d': 'mm takes 2-D operands only' },
    errors: () => [
      { name: 'inner dimensions differ', call: () => mm(zeros([2, 3]), zeros([4, 5])), message: /^mm: \[2,3\] x \[4,5\]: inner dimensions 3 != 4/ },
      { name: 'a 3-D operand', call: () => mm(zeros([1, 2, 3]), zeros([3, 2])), message: /^mm: expects two 2-D tensors, got \[1,2,3\] x \[3,2\]/ },
      { name: 'a 1-D operand', call: () => mm(zeros([3]), zeros([3, 2])), message: /^mm: expects two 2-D tensors/ },
    ],
  },
  bmm: {
    call: bmm as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [u([2, 2, 3], 18), u([2, 3, 2], 19)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([[[1, 2]], [[3, 4]]]), tensor([[[1], [1]], [[2], [-1]]])], expected: [[[3]], [[2]]] },
      { kind: 'broadcast', inputs: [u([1, 2, 3], 20).expand(3, 2, 3), u([3, 3, 1], 21)] },
      { kind: 'zero-size', inputs: [zeros([0, 2, 3]), zeros([0, 3, 4])] },
      { kind: 'zero-size inner dim', inputs: [zeros([1, 1, 0]), zeros([1, 0, 2])], expected: [[[0, 0]]] },
    ],
    notApplicable: { '0-d': 'bmm takes 3-D operands only' },
    errors: () => [
      { name: 'batch sizes differ', call: () => bmm(zeros([2, 2, 3]), zeros([1, 3, 2])), message: /^bmm: expects \[B,n,k\] x \[B,k,m\] with equal B, got \[2,2,3\] x \[1,3,2\]/ },
      { name: 'a 2-D operand', call: () => bmm(zeros([2, 3]), zeros([2, 3, 2])), message: /^bmm: expects \[B,n,k\] x \[B,k,m\]/ },
      { name: 'inner dimensions differ', call: () => bmm(zeros([2, 2, 3]), zeros([2, 4, 2])), message: /^bmm: \[2,2,3\] x \[2,4,2\]: inner dimensions 3 != 4/ },
    ],
  },
  dot: {
    call: dot as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [u([4], 22), u([4], 23)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([1, 2, 3]), tensor([4, -5, 6])], expected: 12 },
      { kind: 'broadcast', inputs: [u([1], 24).expand(3), u([3], 25)] },
      { kind: 'zero-size', inputs: [zeros([0]), zeros([0])], expected: 0 },
    ],
    notApplicable: { '0-d': 'dot takes 1-D operands only (its result is 0-d)' },
    errors: () => [
      { name: 'lengths differ', call: () => dot(zeros([3]), zeros([4])), message: /^dot: expects two 1-D tensors of equal length, got \[3\] and \[4\]/ },
      { name: 'a 2-D operand', call: () => dot(zeros([1, 3]), zeros([3])), message: /^dot: expects two 1-D tensors/ },
      { name: 'a non-tensor', call: () => dot(zeros([3]), 2 as never), message: /^dot: both operands must be Tensors/ },
    ],
  },
  outer: {
    call: outer as OpEntry['call'],
    differentiable: true,
    samples: () => [
      { kind: 'contiguous', inputs: [u([3], 26), u([2], 27)], gradgrad: true },
      { kind: 'known values', inputs: [tensor([1, 2]), tensor([3, 4, 5])], expected: [[3, 4, 5], [6, 8, 10]] },
      { kind: 'broadcast', inputs: [u([1], 28).expand(2), u([3], 29)] },
      { kind: 'zero-size', inputs: [zeros([0]), u([3], 30)] },
    ],
    notApplicable: { '0-d': 'outer takes 1-D operands only' },
    errors: () => [
      { name: 'a 2-D operand', call: () => outer(zeros([2, 2]), zeros([2])), message: /^outer: expects two 1-D tensors, got \[2,2\] and \[2\]/ },
      { name: 'a 0-d operand', call: () => outer(tensor(1), zeros([2])), message: /^outer: expects two 1-D tensors, got \[\] and \[2\]/ },
    ],
  },
  einsum: {
    call: callEinsum as OpEntry['call'],
    differentiable: true,
    samples: () => [
      es('contiguous', 'ij,jk->ik', [u([2, 3], 31), u([3, 2], 32)], { gradgrad: true }),
      es('known values (matrix product)', 'ij,jk->ik', [tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])], { expected: [[19, 22], [43, 50]] }),
      es('attention scores', 'bhqd,bhkd->bhqk', [u([1, 2, 3, 2], 33), u([1, 2, 2, 2], 34)]),
      es('attention output', 'bhqk,bhkd->bhqd', [u([1, 2, 3, 2], 35), u([1, 2, 2, 2], 36)]),
      es('bilinear', 'bi,oij,bj->bo', [u([2, 3], 37), u([2, 3, 2], 38), u([2, 2], 39)]),
      es('known values (bilinear)', 'bi,oij,bj->bo', [tensor([[1, 2]]), tensor([[[1, 0], [0, 1]], [[0, 1], [1, 0]]]), tensor([[3, 4]])], { expected: [[11, 10]] }),
      es('diagonal', 'ii->i', [tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], { expected: [1, 5, 9], gradgrad: true }),
      es('trace', 'ii', [tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], { expected: 15 }),
      es('batched diagonal', '...ii->...i', [u([2, 3, 3], 40)]),
      es('implicit output', 'ij,jk', [tensor([[1, 2]]), tensor([[3], [4]])], { expected: [[11]] }),
      es('sum over all', 'ij->', [tensor([[1, 2], [3, 4]])], { expected: 10 }),
      es('sum over one index', 'bij->bj', [tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])], { expected: [[4, 6], [12, 14]] }),
      es('transpose', 'ij->ji', [tensor([[1, 2, 3]])], { expected: [[1], [2], [3]] }),
      es('outer product', 'i,j->ij', [tensor([1, 2]), tensor([3, 4, 5])], { expected: [[3, 4, 5], [6, 8, 10]] }),
      es('broadcast', '...ij,...jk->...ik', [u([2, 1, 2, 3], 41), u([3, 3, 2], 42)], { gradgrad: true }),
      es('broadcast (size-1 labels)', 'ij,ij->ij', [tensor([[1], [2]]), tensor([[3, 4, 5]])], { expected: [[3, 4, 5], [6, 8, 10]] }),
      es('zero-size', 'ij,jk->ik', [zeros([0, 3]), u([3, 2], 43)]),
      es('zero-size contraction', 'ij,jk->ik', [zeros([2, 0]), zeros([0, 3])], { expected: [[0, 0, 0], [0, 0, 0]] }),
      es('0-d', 'i,->i', [tensor([1, 2, 3]), tensor(2)], { expected: [2, 4, 6] }),
    ],
    errors: () => [
      { name: 'too many dims for the subscripts', call: () => einsum('ij', zeros([2, 3, 4])), message: /^einsum: operand 0 has 3 dims but the subscripts 'ij' name 2/ },
      { name: 'too few dims for the subscripts', call: () => einsum('i,ijk->k', zeros([2]), zeros([2, 3])), message: /^einsum: operand 1 has 2 dims but the subscripts 'ijk' name 3/ },
      { name: 'too few dims with an ellipsis', call: () => einsum('...ij->i', zeros([2])), message: /^einsum: operand 0 has 1 dims but the subscripts '...ij' name at least 2/ },
      { name: 'sizes of a label differ', call: () => einsum('ij,jk->ik', zeros([2, 3]), zeros([4, 5])), message: /^einsum: subscript 'j' has size 3 in operand 0 but 4 in operand 1/ },
      { name: 'ellipsis dims that do not broadcast', call: () => einsum('...i,...i->...', zeros([2, 3]), zeros([4, 3])), message: /^einsum: a dim covered by '\.\.\.' has size 2 in operand 0 but 4 in operand 1/ },
      { name: 'a repeated label of two sizes', call: () => einsum('ii->i', zeros([2, 3])), message: /^einsum: subscript 'i' is repeated in operand 0 \(shape \[2,3\]\) with sizes 2 and 3/ },
      { name: 'operand count', call: () => einsum('ij,jk->ik', zeros([2, 2])), message: /^einsum: the equation 'ij,jk->ik' names 2 operand\(s\), but 1 were given/ },
      { name: 'an output label not in the inputs', call: () => einsum('ij->k', zeros([2, 2])), message: /^einsum: output subscript 'k' does not appear in the inputs of 'ij->k'/ },
      { name: 'an output label twice', call: () => einsum('ij->ii', zeros([2, 2])), message: /^einsum: output subscript 'i' appears more than once in 'ij->ii'/ },
      { name: 'an invalid character', call: () => einsum('i1->i', zeros([2, 2])), message: /^einsum: invalid subscript '1' in 'i1->i'; use letters a-z and A-Z/ },
      { name: 'two ellipses', call: () => einsum('...i...->i', zeros([2, 2])), message: /^einsum: '...i...' has more than one '...'/ },
      { name: 'a stray dot', call: () => einsum('i.j', zeros([2, 2])), message: /^einsum: '.' must be part of '...'/ },
      { name: 'two arrows', call: () => einsum('i->i->i', zeros([2])), message: /^einsum: 'i->i->i' has more than one '->'/ },
      { name: 'a bool operand', call: () => einsum('i->i', tensor([true])), message: /^einsum: operand 0 is a bool tensor/ },
      { name: 'a non-tensor operand', call: () => einsum('i,i', zeros([2]), [1, 2] as never), message: /^einsum: operand 1 must be a Tensor, got an array/ },
    ],
  },
} satisfies OpTableFragment;
