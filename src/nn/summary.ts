/**
 * Looking at a model: the printed module tree (what `module.toString()` gives) and `summary`, which
 * runs one forward pass on zeros and reports each layer's output shape and parameter count.
 */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { HookHandle, Module } from './module.js';

/**
 * The module tree as PyTorch prints it, each module with its `extraRepr()`, and a parameter count
 * after every module that has parameters (the root's line also gives the trainable count).
 *
 * ```
 * Sequential(
 *   (0): Linear(inFeatures=4, outFeatures=3, bias=true)  # 15 params
 *   (1): ReLU()
 * )  # 15 params, 15 trainable
 * ```
 */
export function formatModule(module: Module): string {
  const total = module.numParameters();
  const trainable = module.numParameters({ trainable: true });
  const root = total > 0 ? `  # ${countLabel(total)}, ${trainable.toLocaleString('en-US')} trainable` : '';
  return formatNode(module) + root;
}

function formatNode(module: Module): string {
  const name = module.constructor.name;
  const extra = module.extraRepr();
  const children = [...module.namedChildren()];
  if (children.length === 0) return `${name}(${extra})`;
  const lines: string[] = [];
  if (extra !== '') lines.push(`  ${extra}`);
  for (const [childName, child] of children) {
    const n = child.numParameters();
    const text = formatNode(child) + (n > 0 ? `  # ${countLabel(n)}` : '');
    lines.push(`  (${childName}): ${text.split('\n').join('\n  ')}`);
  }
  return `${name}(\n${lines.join('\n')}\n)`;
}

function countLabel(n: number): string {
  return `${n.toLocaleString('en-US')} param${n === 1 ? '' : 's'}`;
}

/** One row of a `summary`: a module that ran, its output shape(s) and its own parameter count. */
export interface SummaryRow {
  /** Dotted name in the model ('' for the model itself). */
  name: string;
  /** The module's class name. */
  type: string;
  /** Depth in the tree (the model is 0). */
  depth: number;
  /** Output shape, or shapes for several outputs (null when the output holds no tensor). */
  outputShape: number[] | number[][] | null;
  /** Elements in the module's own parameters (not its children's), counted once per model. */
  params: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** The table as text (also what `toString()` returns). */
  text: string;
  toString(): string;
}

export interface SummaryOptions {
  /** Input dtype (default float32). */
  dtype?: DType;
  /** Print the table with console.log (default false). */
  print?: boolean;
  /** Run in eval mode (default true, so batch norm and dropout leave no trace); the modes are restored. */
  eval?: boolean;
}

/**
 * Runs the model once on zeros of `inputShape` (one shape, or an array of shapes for several
 * inputs) without recording gradients, and tabulates each module's output shape and parameters.
 * Modules that do not run in the forward pass are listed without an output shape.
 *
 * ```ts
 * const s = nn.summary(model, [1, 1, 28, 28]);
 * console.log(s.toString());
 * ```
 */
export function summary(model: Module, inputShape: readonly number[] | readonly (readonly number[])[], options: SummaryOptions = {}): ModelSummary {
  const shapes: readonly (readonly number[])[] = inputShape.length > 0 && Array.isArray(inputShape[0])
    ? (inputShape as readonly (readonly number[])[])
    : [inputShape as readonly number[]];
  for (const s of shapes) {
    if (!s.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`summary: input shape ${formatShape(s)} must hold non-negative integers`);
  }
  const dtype = options.dtype ?? 'float32';
  const modules = [...model.namedModules()];
  const depthOf = (name: string): number => (name === '' ? 0 : name.split('.').length);
  const outputs = new Map<Module, SummaryRow['outputShape']>();
  const order: Module[] = [];
  const handles: HookHandle[] = [];
  const modes = modules.map(([, m]) => m.training);
  try {
    if (options.eval ?? true) model.eval();
    for (const [, m] of modules) {
      handles.push(m.registerForwardHook((mod, _args, out) => {
        if (!outputs.has(mod)) order.push(mod);
        outputs.set(mod, shapesOf(out));
      }));
    }
    noGrad(() => model.forward(...shapes.map((s) => zeros([...s], { dtype }))));
  } finally {
    for (const h of handles) h.remove();
    modules.forEach(([, m], i) => { m.training = modes[i]!; });
  }
  // Rows in the order modules finished would put parents after their children; list them in tree order.
  const seen = new Set<Tensor>();
  const rows: SummaryRow[] = modules.map(([name, m]) => {
    let params = 0;
    for (const p of m.parameters(false)) {
      if (seen.has(p)) continue;
      seen.add(p);
      params += p.numel;
    }
    return { name, type: m.constructor.name, depth: depthOf(name), outputShape: outputs.get(m) ?? null, params };
  });
  const totalParams = model.numParameters();
  const trainableParams = model.numParameters({ trainable: true });
  const text = formatTable(rows, totalParams, trainableParams);
  if (options.print) console.log(text);
  return { rows, totalParams, trainableParams, text, toString: () => text };
}

function shapesOf(out: unknown): SummaryRow['outputShape'] {
  if (isTensor(out)) return [...out.shape];
  if (Array.isArray(out)) {
    const shapes = out.filter(isTensor).map((t) => [...t.shape]);
    return shapes.length > 0 ? shapes : null;
  }
  return null;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'storage' in v;
}

function formatTable(rows: SummaryRow[], total: number, trainable: number): string {
  const body = rows.map((r) => {
    const label = r.name === '' ? r.type : `${'  '.repeat(r.depth - 1)}${r.name.split('.').pop()} (${r.type})`;
    const shape = r.outputShape === null
      ? '-'
      : Array.isArray(r.outputShape[0])
        ? (r.outputShape as number[][]).map((s) => formatShape(s)).join(', ')
        : formatShape(r.outputShape as number[]);
    return [label, shape, r.params.toLocaleString('en-US')];
  });
  const header = ['Layer (type)', 'Output shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 4);
  return [
    line(header),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
  ].join('\n');
}
