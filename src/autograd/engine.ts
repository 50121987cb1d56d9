/**
 * The backward pass: walks the graph from the roots in reverse topological order, summing the
 * gradients that reach each node and running its rule. The walk is iterative (an explicit stack), so a
 * chain of millions of ops backpropagates without exhausting the call stack.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { isAnomalyEnabled, withGradMode } from './grad-mode.js';
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
  const userGrads = new Set<Tensor>(rootGrads);
  for (let i = 0; i < roots.length; i++) {
    const node = roots[i]!.gradEdge();
    rootNodes.push(node);
    addGrad(buffer, node, rootGrads[i]!);
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
        if (capture === null) accumulateInto(node.variable, grad, opts.createGraph, userGrads);
        continue;
      }
      if (node.retained !== null && capture === null) accumulateInto(node.retained, grad, opts.createGraph, userGrads);

      const fn = node.backwardFn;
      if (fn === null) {
        throw new Error(
          `backward: trying to backward through '${node.name}' a second time, after its saved tensors were freed. ` +
            'Pass {retainGraph: true} to the first backward call if you need to walk the graph twice.',
        );
      }
      node.checkSavedVersions();
      const needs = node.next.map((n) => n !== null && (needed === null || needed.has(n)));
      const grads = fn(grad, needs);
      if (!opts.retainGraph) node.release();
      for (let i = 0; i < node.next.length; i++) {
        const next = node.next[i];
        const g = grads[i];
        if (next === null || next === undefined || g === null || g === undefined || !needs[i]) continue;
        if (isAnomalyEnabled() && isFloating(g.dtype) && hasNonFinite(g)) {
          throw new AnomalyError(
            `detectAnomaly: the backward of '${node.name}' produced NaN or Inf in the gradient of its input ${i} (shape [${g.shape.join(',')}])`,
          );
        }
        addGrad(buffer, next, g);
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

function addGrad(buffer: Map<Node, Tensor>, node: Node, g: Tensor): void {
  const prev = buffer.get(node);
  buffer.set(node, prev === undefined ? g : prev.add(g));
}

function accumulateInto(variable: Tensor, g: Tensor, createGraph: boolean, userGrads: Set<Tensor>): void {
  const incoming = createGraph ? g : userGrads.has(g) ? g.detach().clone() : g.detach();
  variable.grad = variable.grad === null ? incoming : createGraph ? variable.grad.add(incoming) : variable.grad.detach().add(incoming);
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
