/**
 * The backward pass: walks the graph from the roots in reverse topological order, summing the
 * gradients that reach each node and running its rule. The walk is iterative (an explicit stack), so a
 * chain of millions of ops backpropagates without exhausting the call stack.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Storage } from '../tensor/storage.js';
import { keep } from '../tensor/scope.js';
import { isFloating } from '../tensor/dtype.js';
import { isAnomalyEnabled, withAnomalyMode, withGradMode } from './grad-mode.js';
import { AccumulateGrad, Node } from './node.js';
import { AnomalyError, hasNonFinite } from './anomaly-check.js';

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When given, gradients w.r.t. these tensors are returned and `.grad` fields are left alone. */
  inputs?: readonly Tensor[];
  allowUnused?: boolean;
}

export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] {
  const rootNodes: Node[] = [];
  const buffer = new Map<Node, Tensor>();
  // How many times each gradient's storage was handed to a node in this pass. A leaf keeps a
  // gradient as its .grad only if nothing else received that storage (add passes the same tensor
  // to both inputs); otherwise it keeps a copy, so that .grad tensors never alias each other or the
  // caller's gradients. Root gradients start at 2: they belong to the caller.
  const handed = new Map<Storage, number>();
  for (let i = 0; i < roots.length; i++) {
    const node = roots[i]!.gradEdge();
    rootNodes.push(node);
    handed.set(rootGrads[i]!.storage, 2);
    addGrad(buffer, handed, node, rootGrads[i]!);
  }

  // Nodes whose gradient the caller wants back (functional `grad`): keyed by node so that non-leaf
  // inputs work too; their gradient is the total that reaches the node.
  let capture: Map<Node, number[]> | null = null;
  if (opts.inputs) {
    capture = new Map();
    opts.inputs.forEach((t, i) => {
      if (!t.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
      const node = t.gradEdge();
      const list = capture!.get(node);
      if (list) list.push(i);
      else capture!.set(node, [i]);
    });
  }

  const order = topologicalOrder(rootNodes);
  const needed = capture ? reachesCaptured(order, capture) : null;
  const results: (Tensor | null)[] = opts.inputs ? opts.inputs.map(() => null) : [];

  const anomaly = isAnomalyEnabled();
  withGradMode(opts.createGraph, () => {
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const grad = buffer.get(node);
      if (grad === undefined) continue;
      buffer.delete(node);
      if (needed !== null && !needed.has(node)) continue;

      const wanted = capture?.get(node);
      if (wanted) for (const i of wanted) results[i] = grad;

      if (node instanceof AccumulateGrad) {
        if (capture === null) accumulateInto(node.variable, grad, opts.createGraph, handed.get(grad.storage) === 1);
        continue;
      }
      if (node.retained !== null && capture === null) accumulateInto(node.retained, grad, opts.createGraph, false);

      const fn = node.backwardFn;
      if (fn === null) {
        throw new Error(
          `backward: trying to backward through '${node.name}' a second time, after its saved tensors were freed. ` +
            'Pass {retainGraph: true} to the first backward call if you need to walk the graph twice.',
        );
      }
      node.checkSavedVersions();
      const needs = node.next.map((n) => n !== null && (needed === null || needed.has(n)));
      // In anomaly mode the ops inside a rule are not checked one by one: a NaN they make is
      // reported below as the backward of this node, which is the op the user wrote.
      const grads = anomaly ? withAnomalyMode(false, () => fn(grad, needs)) : fn(grad, needs);
      if (!opts.retainGraph) node.release();
      // This node has consumed its gradient: one holder fewer. A view op (reshape, transpose) hands
      // on a view of the storage it received; without this the view would count as shared and be
      // copied at its leaf although nothing else holds that storage any more.
      handed.set(grad.storage, handed.get(grad.storage)! - 1);
      for (let i = 0; i < node.next.length; i++) {
        const next = node.next[i];
        let g = grads[i];
        if (next === null || next === undefined || g === null || g === undefined || !needs[i]) continue;
        const dtype = node.inputDtypes[i];
        if (dtype != null && g.dtype !== dtype) g = g.to(dtype);
        if (anomaly && isFloating(g.dtype) && hasNonFinite(g)) {
          throw new AnomalyError(
            `detectAnomaly: the backward of '${node.name}' produced NaN or Inf in the gradient of its input ${i} (shape [${g.shape.join(',')}])`,
          );
        }
        addGrad(buffer, handed, next, g);
      }
    }
  });

  if (opts.inputs && !opts.allowUnused) {
    results.forEach((r, i) => {
      if (r === null) {
        throw new Error(`grad: input ${i} was not used to compute the outputs; pass {allowUnused: true} to get null for it`);
      }
    });
  }
  return results;
}

function addGrad(buffer: Map<Node, Tensor>, handed: Map<Storage, number>, node: Node, g: Tensor): void {
  handed.set(g.storage, (handed.get(g.storage) ?? 0) + 1);
  const prev = buffer.get(node);
  if (prev === undefined) {
    buffer.set(node, g);
  } else {
    const sum = prev.add(g);
    handed.set(sum.storage, 1);
    buffer.set(node, sum);
  }
}

/**
 * Adds `g` into `variable.grad`. Without createGraph the result is a plain tensor (computed with
 * recording off); with it, the sum is recorded so that the gradient can be differentiated again.
 * `owned`: no one else holds g's storage, so the first gradient can be kept without a copy.
 */
function accumulateInto(variable: Tensor, g: Tensor, createGraph: boolean, owned: boolean): void {
  let next: Tensor;
  if (variable.grad === null) {
    // A non-contiguous gradient (a transposed view) is copied too: .grad keeps the parameter's
    // contiguous layout, which fused optimizer kernels need.
    const incoming = owned && g.isContiguous() ? g : g.clone();
    next = createGraph || !incoming.requiresGrad ? incoming : incoming.detach();
  } else {
    const sum = variable.grad.add(g);
    next = createGraph || !sum.requiresGrad ? sum : sum.detach();
  }
  // A gradient belongs to its leaf: an enclosing tidy() must not free it.
  variable.grad = keep(next);
}

/** Post-order of the nodes reachable from the roots, by an explicit-stack depth-first search. */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>();
  const nodeStack: Node[] = [];
  const childStack: number[] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    nodeStack.push(root);
    childStack.push(0);
    while (nodeStack.length > 0) {
      const top = nodeStack.length - 1;
      const node = nodeStack[top]!;
      const i = childStack[top]!;
      if (i < node.next.length) {
        childStack[top] = i + 1;
        const child = node.next[i];
        if (child != null && !visited.has(child)) {
          visited.add(child);
          nodeStack.push(child);
          childStack.push(0);
        }
      } else {
        nodeStack.pop();
        childStack.pop();
        order.push(node);
      }
    }
  }
  return order;
}

/** The nodes from which some captured node can be reached (post-order lists children first). */
function reachesCaptured(order: readonly Node[], capture: Map<Node, number[]>): Set<Node> {
  const needed = new Set<Node>();
  for (const node of order) {
    if (capture.has(node)) {
      needed.add(node);
      continue;
    }
    for (const n of node.next) {
      if (n !== null && needed.has(n)) {
        needed.add(node);
        break;
      }
    }
  }
  return needed;
}
