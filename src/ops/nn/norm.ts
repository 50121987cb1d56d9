/**
 * Fused normalization ops: layer norm over trailing dims and batch norm with the batch's statistics.
 * The forward is one backend kernel (statistics and output in a few passes, no temporaries); the
 * backward is one kernel too, except when a graph of the backward is being built (`createGraph`),
 * where the gradients are written with ops so that they can be differentiated again. The argument
 * checks live in nn/functional/norm.ts, which calls these.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { backend } from '../../backend/registry.js';
import type { NormBackward, NormForward, View } from '../../backend/backend.js';
import { record } from '../../autograd/record.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { fromData } from '../util.js';

/** A contiguous tensor's data as a view of `shape`. */
function viewAs(t: Tensor, shape: readonly number[]): View {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return { data: t.data, dtype: t.dtype, shape, strides, offset: t.offset };
}

/** A kernel's 1-d result as a view. */
const flat = (data: TypedArray, t: Tensor): View => ({ data, dtype: t.dtype, shape: [data.length], strides: [1], offset: 0 });

/** The gradients the backward kernel returned, as tensors shaped like the inputs. */
function unpack(r: NormBackward, x: Tensor, weight: Tensor | null, bias: Tensor | null): (Tensor | null)[] {
  return [
    fromData(r.dx, x.shape, x.dtype),
    r.dweight !== null && weight !== null ? fromData(r.dweight, weight.shape, x.dtype) : null,
    r.dbias !== null && bias !== null ? fromData(r.dbias, bias.shape, x.dtype) : null,
  ];
}

/**
 * The gradients written with ops (differentiable again): with xhat = (x - mean) rstd over `dims`
 * and gw = g w, dx = rstd (gw - mean(gw) - xhat mean(gw xhat)); dw = sum(g xhat), db = sum(g) over
 * `affineDims`. `w4` is the weight broadcastable against x.
 */
function composite(g: Tensor, x: Tensor, w4: Tensor | null, eps: number, dims: number[], affineDims: number[], needs: readonly boolean[], weight: Tensor | null, bias: Tensor | null): (Tensor | null)[] {
  const xc = x.sub(x.mean(dims, true));
  const rstd = xc.square().mean(dims, true).add(eps).rsqrt();
  const xhat = xc.mul(rstd);
  const gw = w4 !== null ? g.mul(w4) : g;
  const dx = needs[0] ? gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true))).mul(rstd) : null;
  const dw = needs[1] && weight !== null ? g.mul(xhat).sum(affineDims).reshape(weight.shape) : null;
  const db = needs[2] && bias !== null ? g.sum(affineDims).reshape(bias.shape) : null;
  return [dx, dw, db];
}

/**
 * Layer norm of x over its last `k` dims (their product `cols`), weight and bias of those dims'
 * shape or null, all of x's dtype (the caller has checked them).
 *
 * ```ts
 * layerNormOp(x, 1, w, b, 1e-5); // x [B, T, D], w and b [D]
 * ```
 */
export function layerNormOp(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const cols = x.shape.slice(x.ndim - k).reduce((a, b) => a * b, 1);
  const rows = cols === 0 ? 0 : x.numel / cols;
  const xc = x.contiguous();
  const w = weight?.contiguous() ?? null;
  const b = bias?.contiguous() ?? null;
  const shape2 = [rows, cols];
  const f: NormForward = backend().layerNorm(viewAs(xc, shape2), w && viewAs(w, [cols]), b && viewAs(b, [cols]), eps);
  const out = fromData(f.out, x.shape, x.dtype);
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const lead = Array.from({ length: x.ndim - k }, (_, i) => i);
  return record('layerNorm', out, [x, weight, bias], (g, needs) => {
    if (isGradEnabled()) return composite(g, x, weight, eps, dims, lead, needs, weight, bias);
    const gc = g.contiguous();
    const r = backend().layerNormBackward(viewAs(gc, shape2), viewAs(xc, shape2), flat(f.mean, x), flat(f.rstd, x), w && viewAs(w, [cols]), needs[1] === true && weight !== null, needs[2] === true && bias !== null);
    return unpack(r, x, weight, bias);
  }, weight !== null ? [x, weight] : [x]);
}

/**
 * Batch norm of x [N, C, *] with the batch's statistics per channel; weight and bias [C] or null,
 * of x's dtype. Returns the output and the batch's mean and biased variance ([C], no graph), for
 * the running statistics.
 *
 * ```ts
 * const { out, mean, variance } = batchNormOp(x, w, b, 1e-5);
 * ```
 */
export function batchNormOp(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): { out: Tensor; mean: Tensor; variance: Tensor } {
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const s = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const shape3 = [n, c, s];
  const xc = x.contiguous();
  const w = weight?.contiguous() ?? null;
  const b = bias?.contiguous() ?? null;
  const f = backend().batchNorm(viewAs(xc, shape3), w && viewAs(w, [c]), b && viewAs(b, [c]), eps);
  const out = fromData(f.out, x.shape, x.dtype);
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const perChannel = [1, c, ...new Array<number>(x.ndim - 2).fill(1)];
  record('batchNorm', out, [x, weight, bias], (g, needs) => {
    if (isGradEnabled()) return composite(g, x, weight?.reshape(perChannel) ?? null, eps, dims, dims, needs, weight, bias);
    const gc = g.contiguous();
    const r = backend().batchNormBackward(viewAs(gc, shape3), viewAs(xc, shape3), flat(f.mean, x), flat(f.rstd, x), w && viewAs(w, [c]), needs[1] === true && weight !== null, needs[2] === true && bias !== null);
    return unpack(r, x, weight, bias);
  }, weight !== null ? [x, weight] : [x]);
  return { out, mean: fromData(f.mean, [c], x.dtype), variance: fromData(f.variance, [c], x.dtype) };
}
