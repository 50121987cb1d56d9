/**
 * einsum: Einstein summation, written with views, sums and matmul, so every equation is
 * differentiable (twice) for free and runs at matmul speed.
 *
 * Plan: (1) parse the equation into one label list per operand (letters; `...` becomes one label per
 * broadcast dim, aligned from the right); (2) take diagonals where an operand repeats a label; (3) sum
 * away labels that only one operand has and the output does not; (4) contract the operands left to
 * right, each pair as one batched matmul: shared labels still needed later are batch dims, shared
 * labels not needed are the inner dimension, the rest are the rows and columns; (5) permute to the
 * output's order.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { embedGrad } from './support.js';
import { describe } from './util.js';

/**
 * Sums products of the operands' elements over the indices named by `equation`, PyTorch's einsum.
 * - explicit output: `'ij,jk->ik'` (matrix product), `'bhqd,bhkd->bhqk'` (attention scores);
 * - implicit output (no `->`): the labels seen exactly once, in alphabetical order (`'ij,jk'` is `'ik'`);
 * - a label repeated within an operand takes its diagonal: `'ii->i'`, `'ii'` (trace);
 * - `...` stands for broadcast leading dims: `'...ij,...jk->...ik'`. When the inputs have `...`
 *   and the explicit output does not, those dims are summed.
 * Labels of size 1 broadcast against the same label of another operand.
 *
 * ```ts
 * einsum('ij,jk->ik', a, b);            // a.matmul(b)
 * einsum('bi,oij,bj->bo', x, w, y);      // bilinear
 * einsum('ii', m);                       // trace
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const tensors: Tensor[] =
    operands.length === 1 && Array.isArray(operands[0]) ? [...(operands[0] as readonly Tensor[])] : (operands as Tensor[]);
  if (typeof equation !== 'string') throw new Error(`einsum: the equation must be a string, got ${describe(equation)}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`einsum: operand ${i} must be a Tensor, got ${describe(t)}`);
    if (t.dtype === 'bool') throw new Error(`einsum: operand ${i} is a bool tensor; bool operands are not supported`);
  });
  const parsed = parse(equation, tensors);
  checkLabelSizes(parsed.inputs, tensors);

  // (2) diagonals, then every operand has each label once.
  const terms: Term[] = tensors.map((t, i) => takeDiagonals(t, parsed.inputs[i]!));

  // (3)-(4) contract left to right, summing each label as soon as nothing later needs it.
  const output = parsed.output;
  const neededAfter = (index: number): Set<number> => {
    const need = new Set(output);
    for (let j = index + 1; j < terms.length; j++) for (const l of terms[j]!.labels) need.add(l);
    return need;
  };
  let acc = sumUnneeded(terms[0]!, neededAfter(0));
  for (let i = 1; i < terms.length; i++) {
    const need = neededAfter(i);
    const other = sumUnneeded(terms[i]!, new Set([...need, ...acc.labels]));
    acc = contract(sumUnneeded(acc, new Set([...need, ...other.labels])), other, need);
  }

  // (5) the output order.
  return permuteIfNeeded(acc.tensor, output.map((l) => acc.labels.indexOf(l)));
}

/** `t.permute(perm)`, or `t` itself for the identity (no graph node for nothing). */
function permuteIfNeeded(t: Tensor, perm: readonly number[]): Tensor {
  return perm.every((p, i) => p === i) ? t : t.permute(perm);
}

/** An operand with one label per dim (letters as char codes, ellipsis dims as -1, -2, ... from the right). */
interface Term {
  tensor: Tensor;
  labels: number[];
}

interface Parsed {
  inputs: number[][];
  output: number[];
}

function labelName(l: number): string {
  return l >= 0 ? String.fromCharCode(l) : '...';
}

function parse(equation: string, tensors: readonly Tensor[]): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (arrow !== eq.lastIndexOf('->')) throw new Error(`einsum: '${equation}' has more than one '->'`);
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const rhs = arrow >= 0 ? eq.slice(arrow + 2) : null;
  const terms = lhs.split(',');
  if (terms.length !== tensors.length) {
    throw new Error(`einsum: the equation '${equation}' names ${terms.length} operand(s), but ${tensors.length} were given`);
  }
  let ellipsisDims = 0;
  const inputs = terms.map((term, i) => {
    const { letters, ellipsisAt } = splitTerm(equation, term);
    const t = tensors[i]!;
    if (ellipsisAt < 0 && t.ndim !== letters.length) {
      throw new Error(`einsum: operand ${i} has ${t.ndim} dims but the subscripts '${term}' name ${letters.length}`);
    }
    if (ellipsisAt >= 0 && t.ndim < letters.length) {
      throw new Error(`einsum: operand ${i} has ${t.ndim} dims but the subscripts '${term}' name at least ${letters.length}`);
    }
    if (ellipsisAt < 0) return letters;
    const n = t.ndim - letters.length;
    ellipsisDims = Math.max(ellipsisDims, n);
    const ell = Array.from({ length: n }, (_, k) => -(n - k)); // -n .. -1: right-aligned across operands
    return [...letters.slice(0, ellipsisAt), ...ell, ...letters.slice(ellipsisAt)];
  });
  const ellipsisLabels = Array.from({ length: ellipsisDims }, (_, k) => -(ellipsisDims - k));
  let output: number[];
  if (rhs === null) {
    // Implicit output: broadcast dims first, then the letters that occur exactly once, sorted.
    const count = new Map<number, number>();
    for (const labels of inputs) for (const l of labels) if (l >= 0) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([, c]) => c === 1).map(([l]) => l).sort((x, y) => x - y);
    output = [...ellipsisLabels, ...once];
  } else {
    const { letters, ellipsisAt } = splitTerm(equation, rhs);
    const seen = new Set<number>();
    for (const l of letters) {
      if (seen.has(l)) throw new Error(`einsum: output subscript '${labelName(l)}' appears more than once in '${equation}'`);
      seen.add(l);
      if (!inputs.some((labels) => labels.includes(l))) {
        throw new Error(`einsum: output subscript '${labelName(l)}' does not appear in the inputs of '${equation}'`);
      }
    }
    output = ellipsisAt < 0 ? letters : [...letters.slice(0, ellipsisAt), ...ellipsisLabels, ...letters.slice(ellipsisAt)];
  }
  return { inputs, output };
}

/** The letters of one term (as char codes) and where its `...` sits (-1 when absent). */
function splitTerm(equation: string, term: string): { letters: number[]; ellipsisAt: number } {
  const letters: number[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '.') {
      if (term.slice(i, i + 3) !== '...') throw new Error(`einsum: '.' must be part of '...' in '${equation}'`);
      if (ellipsisAt >= 0) throw new Error(`einsum: '${term}' has more than one '...' in '${equation}'`);
      ellipsisAt = letters.length;
      i += 2;
    } else if (/^[a-zA-Z]$/.test(c)) letters.push(c.charCodeAt(0));
    else throw new Error(`einsum: invalid subscript '${c}' in '${equation}'; use letters a-z and A-Z`);
  }
  return { letters, ellipsisAt };
}

/** Checks that each label has one size (or 1, which broadcasts) across and within operands. */
function checkLabelSizes(inputs: readonly number[][], tensors: readonly Tensor[]): void {
  const sizes = new Map<number, [number, number]>(); // label -> [size, operand]
  inputs.forEach((labels, i) => {
    const own = new Map<number, number>();
    labels.forEach((l, d) => {
      const size = tensors[i]!.shape[d]!;
      const prev = own.get(l);
      if (prev !== undefined && prev !== size) {
        throw new Error(`einsum: subscript '${labelName(l)}' is repeated in operand ${i} (shape ${formatShape(tensors[i]!.shape)}) with sizes ${prev} and ${size}`);
      }
      own.set(l, size);
      const seen = sizes.get(l);
      if (seen === undefined || seen[0] === 1) sizes.set(l, [size, i]);
      else if (size !== seen[0] && size !== 1) {
        const what = l >= 0 ? `subscript '${labelName(l)}'` : "a dim covered by '...'";
        throw new Error(`einsum: ${what} has size ${seen[0]} in operand ${seen[1]} but ${size} in operand ${i}`);
      }
    });
  });
}

/** Replaces each repeated label of a term by its diagonal, so that every label appears once. */
function takeDiagonals(t: Tensor, labels: readonly number[]): Term {
  let tensor = t;
  const ls = labels.slice();
  for (let d = 0; d < ls.length; d++) {
    for (let e = ls.length - 1; e > d; e--) {
      if (ls[e] === ls[d]) {
        tensor = diagonalView(tensor, d, e);
        ls.splice(e, 1);
      }
    }
  }
  return { tensor, labels: ls };
}

/**
 * The diagonal of dims d0 < d1 (equal sizes) as a view kept at d0: out[.., i, ..] = x[.., i, .., i, ..].
 * Its backward writes the gradient onto the diagonal of zeros (itself differentiable).
 */
function diagonalView(x: Tensor, d0: number, d1: number): Tensor {
  const shape = x.shape.filter((_, k) => k !== d1);
  const strides = x.strides.filter((_, k) => k !== d1);
  strides[d0] = x.strides[d0]! + x.strides[d1]!;
  const out = new Tensor(x.storage, shape, strides, x.offset, x.base ?? x);
  const inShape = x.shape;
  return record('diagonal', out, [x], (g) => [embedGrad(g, inShape, (z) => diagonalView(z, d0, d1))]);
}

/** Sums the labels of `term` that are not in `keep`. */
function sumUnneeded(term: Term, keep: ReadonlySet<number>): Term {
  const dims = term.labels.map((l, d) => (keep.has(l) ? -1 : d)).filter((d) => d >= 0);
  if (dims.length === 0) return term;
  return { tensor: term.tensor.sum(dims), labels: term.labels.filter((l) => keep.has(l)) };
}

/**
 * One pairwise contraction as a batched matmul: a -> [batch..., left, inner], b -> [batch..., inner,
 * right]; the batch dims stay separate so that size-1 labels broadcast.
 */
function contract(a: Term, b: Term, need: ReadonlySet<number>): Term {
  const batch = a.labels.filter((l) => b.labels.includes(l) && need.has(l));
  const inner = a.labels.filter((l) => b.labels.includes(l) && !need.has(l));
  const left = a.labels.filter((l) => !b.labels.includes(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  let ta = a.tensor;
  let tb = b.tensor;
  // A contracted label of size 1 on one side and n on the other: sum the n side first.
  for (const l of inner) {
    const da = a.labels.indexOf(l);
    const db = b.labels.indexOf(l);
    if (ta.shape[da] === 1 && tb.shape[db] !== 1) tb = tb.sum(db, true);
    else if (tb.shape[db] === 1 && ta.shape[da] !== 1) ta = ta.sum(da, true);
  }
  const size = (t: Tensor, labels: readonly number[], l: number) => t.shape[labels.indexOf(l)]!;
  const prod = (t: Tensor, labels: readonly number[], ls: readonly number[]) => ls.reduce((p, l) => p * size(t, labels, l), 1);
  const pa = permuteIfNeeded(ta, [...batch, ...left, ...inner].map((l) => a.labels.indexOf(l)));
  const pb = permuteIfNeeded(tb, [...batch, ...inner, ...right].map((l) => b.labels.indexOf(l)));
  const batchA = batch.map((l) => size(ta, a.labels, l));
  const batchB = batch.map((l) => size(tb, b.labels, l));
  const ma = pa.reshape([...batchA, prod(ta, a.labels, left), prod(ta, a.labels, inner)]);
  const mb = pb.reshape([...batchB, prod(tb, b.labels, inner), prod(tb, b.labels, right)]);
  const product = ma.matmul(mb);
  const shape = [
    ...product.shape.slice(0, batch.length), // the batch sizes, broadcast by matmul
    ...left.map((l) => size(ta, a.labels, l)),
    ...right.map((l) => size(tb, b.labels, l)),
  ];
  return { tensor: product.reshape(shape), labels: [...batch, ...left, ...right] };
}
