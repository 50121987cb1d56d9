/**
 * Arithmetic on two operands with NumPy broadcasting and PyTorch's type promotion. A JS number or
 * boolean may stand for either operand.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating, resultType, toFloating } from '../tensor/dtype.js';
import { backend } from '../backend/registry.js';
import { record, isRecording } from '../autograd/record.js';
import { binaryKernel, operands } from './support.js';
import { fromData, sumToShape, type TensorLike } from './util.js';



export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return add(a, mul(b, alpha));
  const [x, y, dtype] = operands('add', a, b);
  const out = binaryKernel('add', x, y, dtype);
  return record('add', out, [x, y], (g) => [sumToShape(g, x.shape), sumToShape(g, y.shape)]);
}

export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return sub(a, mul(b, alpha));
  const [x, y, dtype] = operands('sub', a, b);
  if (dtype === 'bool') throw new Error('sub: subtracting bool tensors is not supported; use logicalXor or cast with .to()');
  const out = binaryKernel('sub', x, y, dtype);
  return record('sub', out, [x, y], (g, needs) => [sumToShape(g, x.shape), needs[1] ? sumToShape(g.neg(), y.shape) : null]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('mul', a, b);
  const out = binaryKernel('mul', x, y, dtype);
  if (!isRecording(x, y)) return record('mul', out, [x, y], NO_GRAD);
  // Save only what the rule reads: d/dx needs y, d/dy needs x.
  const saved = x.requiresGrad ? (y.requiresGrad ? [y, x] : [y]) : [x];
  return record(
    'mul',
    out,
    [x, y],
    (g, needs) => [needs[0] ? sumToShape(g.mul(y), x.shape) : null, needs[1] ? sumToShape(g.mul(x), y.shape) : null],
    saved,
  );
}

/** True division: integer operands give a floating result. */
export function div(a: TensorLike, b: TensorLike, roundingMode?: 'trunc' | 'floor'): Tensor {
  if (roundingMode === 'floor') return floorDivide(a, b);
  if (roundingMode === 'trunc') return div(a, b).trunc();
  const [x, y, dtype] = operands('div', a, b);
  const outDtype = toFloating(dtype);
  const out = binaryKernel('div', x, y, outDtype);
  if (!isRecording(x, y)) return record('div', out, [x, y], NO_GRAD);
  return record(
    'div',
    out,
    [x, y],
    (g, needs) => [
      needs[0] ? sumToShape(g.div(y), x.shape) : null,
      needs[1] ? sumToShape(g.mul(x).div(y.square()).neg(), y.shape) : null,
    ],
    y.requiresGrad ? [x, y] : [y],
  );
}

/** x ** y elementwise. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && typeof b === 'number') return powScalar(a, b);
  const [x, y, dtype] = operands('pow', a, b);
  const out = binaryKernel('pow', x, y, dtype);
  return record(
    'pow',
    out,
    [x, y],
    (g, needs) => [
      // d/dx x^y = y x^(y-1); d/dy x^y = x^y log x (taken as 0 where x = 0, as PyTorch does)
      needs[0] ? sumToShape(g.mul(y).mul(x.pow(y.sub(1))), x.shape) : null,
      needs[1] ? sumToShape(g.mul(out).mul(x.log()).where(x.ne(0), 0), y.shape) : null,
    ],
    [x, y, out],
  );
}

function powScalar(x: Tensor, p: number): Tensor {
  if (p === 2) return x.square();
  const dtype = resultType(x, p);
  const out = fromData(backend().unary('powScalar', x, dtype, p), x.shape, dtype);
  return record('pow', out, [x], (g) => [p === 0 ? g.mul(0) : g.mul(x.pow(p - 1).mul(p))], [x]);
}

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return minMax('maximum', a, b);
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return minMax('minimum', a, b);
}

function minMax(op: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands(op, a, b);
  const out = binaryKernel(op, x, y, dtype);
  if (!isFloating(dtype)) return out;
  // Ties split the gradient evenly between the two inputs, as PyTorch does.
  return record(
    op,
    out,
    [x, y],
    (g, needs) => {
      const xWins = op === 'maximum' ? x.gt(y) : x.lt(y);
      const tie = x.eq(y);
      const wx = xWins.to(g.dtype).add(tie.to(g.dtype).mul(0.5));
      return [needs[0] ? sumToShape(g.mul(wx), x.shape) : null, needs[1] ? sumToShape(g.mul(wx.neg().add(1)), y.shape) : null];
    },
    [x, y],
  );
}

/** Python-style modulus: the result has the sign of the divisor. */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('remainder', a, b);
  const out = binaryKernel('remainder', x, y, dtype);
  // remainder = x - floor(x / y) * y
  return record('remainder', out, [x, y], (g, needs) => [
    needs[0] ? sumToShape(g, x.shape) : null,
    needs[1] ? sumToShape(g.mul(x.div(y).floor()).neg(), y.shape) : null,
  ], [x, y]);
}

/** floor(a / b); integer inputs give integers. Not differentiable (zero gradient almost everywhere). */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('floorDivide', a, b);
  return binaryKernel('floorDivide', x, y, dtype);
}

export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('atan2', a, b);
  const out = binaryKernel('atan2', x, y, toFloating(dtype));
  // d/dx atan2(x, y) = y / (x^2 + y^2); d/dy = -x / (x^2 + y^2)
  return record('atan2', out, [x, y], (g, needs) => {
    const r2 = x.square().add(y.square());
    return [needs[0] ? sumToShape(g.mul(y).div(r2), x.shape) : null, needs[1] ? sumToShape(g.mul(x).neg().div(r2), y.shape) : null];
  }, [x, y]);
}

const NO_GRAD = () => [];
