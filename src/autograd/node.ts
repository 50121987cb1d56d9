import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output. Written with ordinary
 * tensor ops, so that it is itself differentiable (double backward). `needs[i]` says whether input i
 * wants a gradient; a rule may return null for inputs that do not.
 */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** One recorded op in the graph: edges to the nodes of its inputs and the rule to run backward. */
export class Node {
  readonly name: string;
  /** Per input: the node its gradient flows to, or null when that input needs no gradient. */
  readonly next: readonly (Node | null)[];
  backwardFn: BackwardFn | null;
  /** Tensors the rule reads, with their storage versions when recorded. */
  saved: readonly Tensor[] | null;
  savedVersions: readonly number[] | null;
  /** The output tensor, kept only when the user asked for its gradient with `retainGrad()`. */
  retained: Tensor | null = null;
  /**
   * Per input: its dtype, so that the engine can hand each input a gradient of its own dtype when
   * the op promoted mixed dtypes (a float32 leaf times a float64 tensor gets a float32 gradient).
   */
  readonly inputDtypes: readonly (DType | null)[];

  constructor(
    name: string,
    next: readonly (Node | null)[],
    backwardFn: BackwardFn | null,
    saved: readonly Tensor[],
    inputDtypes: readonly (DType | null)[] = [],
  ) {
    this.name = name;
    this.next = next;
    this.inputDtypes = inputDtypes;
    this.backwardFn = backwardFn;
    this.saved = saved;
    this.savedVersions = saved.length === 0 ? EMPTY : saved.map((t) => t.storage.version);
  }

  /** Throws, naming the op, if a saved tensor was modified in place since it was recorded. */
  checkSavedVersions(): void {
    const saved = this.saved;
    const versions = this.savedVersions;
    if (saved === null || versions === null) return;
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i]!;
      if (t.storage.version !== versions[i]) {
        throw new Error(
          `${this.name}: one of the tensors needed for gradient computation has been modified by an in-place ` +
            `operation: a ${t.dtype} tensor of shape [${t.shape.join(',')}] is at version ${t.storage.version}; ` +
            `expected version ${versions[i]}. Clone it before modifying it, or modify a copy.`,
        );
      }
    }
  }

  /** Frees what the rule holds once the graph will not be walked again. */
  release(): void {
    this.backwardFn = null;
    this.saved = null;
    this.savedVersions = null;
  }
}

const EMPTY: readonly number[] = [];

/** The sink of a leaf tensor's gradient: adds what arrives into `variable.grad`. */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super('AccumulateGrad', [], null, []);
    this.variable = variable;
  }
}
