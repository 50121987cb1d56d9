import type { Tensor } from './tensor.js';

/** PyTorch-style text: `tensor([[1.0000, 2.0000], ...], dtype=float64)`. */
export function formatTensor(t: Tensor, options: { precision?: number } = {}): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const precision = options.precision ?? 4;
  const values = t.toArray();
  const fmt = (v: number): string => {
    if (t.dtype === 'bool') return v ? 'true' : 'false';
    if (t.dtype === 'int32') return String(v);
    return v.toFixed(precision);
  };
  let k = 0;
  const build = (depth: number, indent: string): string => {
    if (depth === t.ndim) return fmt(values[k++]!);
    const parts: string[] = [];
    for (let i = 0; i < t.shape[depth]!; i++) parts.push(build(depth + 1, indent + ' '));
    const sep = depth === t.ndim - 1 ? ', ' : ',\n' + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = build(0, '       ');
  const suffix = t.dtype === 'float32' ? '' : `, dtype=${t.dtype}`;
  return `tensor(${body}${suffix})`;
}
