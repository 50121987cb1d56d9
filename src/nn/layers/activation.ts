/**
 * Activation modules: thin layers over the activation functions, with PyTorch's names and defaults,
 * for use in Sequential. Only PReLU has a parameter. (PyTorch's `inplace` flags are not offered: every
 * activation returns a new tensor.)
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { FloatDType } from '../../tensor/dtype.js';
import { full } from '../../tensor/creation.js';
import { elu, gelu, leakyRelu, mish, relu, selu, sigmoid, silu, softplus, tanh } from '../../ops/unary.js';
import { logSoftmax, softmax } from '../../ops/nn/softmax.js';
import { Module, Parameter } from '../module.js';
import {
  celu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  prelu,
  relu6,
  softmin,
  softshrink,
  softsign,
  tanhshrink,
} from '../functional/activations.js';

function checkNumber(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${layer}: ${name} must be a number, got ${String(v)}`);
  return v;
}

function checkDim(layer: string, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    // PyTorch's implicit dim (dim=None) is deprecated there; here the dim must be given.
    throw new Error(`${layer}: dim must be an integer (the dim to normalize over), got ${String(dim)}`);
  }
  return dim;
}

/** max(x, 0). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  override forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** x for x > 0, negativeSlope * x otherwise (default slope 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export interface PReLUOptions {
  /** Initial value of every slope (default 0.25). */
  init?: number;
  dtype?: FloatDType;
}

/**
 * Parametric ReLU (He 2015) with a learnable slope for the negative part: one shared slope
 * (`numParameters` 1, the default) or one per channel (dim 1 of the input). The slopes start at 0.25.
 *
 * ```ts
 * const act = new nn.PReLU(64); // one slope per channel of a [N, 64, H, W] input
 * ```
 */
export class PReLU extends Module {
  weight: Parameter;
  constructor(numParameters = 1, options: PReLUOptions = {}) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new Error(`PReLU: numParameters must be a positive integer, got ${String(numParameters)}`);
    const init = checkNumber('PReLU', 'init', options.init ?? 0.25);
    this.weight = new Parameter(full([numParameters], init, { dtype: options.dtype ?? 'float32' }));
  }
  override forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.weight.numel}`;
  }
}

/** x for x > 0, alpha (e^x - 1) otherwise (default alpha 1). */
export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber('ELU', 'alpha', alpha);
  }
  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Self-normalizing ELU (Klambauer 2017): scale * elu(x, alpha) with fixed constants. */
export class SELU extends Module {
  override forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/** x for x > 0, alpha (e^(x / alpha) - 1) otherwise (default alpha 1). */
export class CELU extends Module {
  readonly alpha: number;
  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber('CELU', 'alpha', alpha);
    if (alpha === 0) throw new Error('CELU: alpha must not be 0');
  }
  override forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x * Phi(x) (exact, default) or its tanh approximation (`approximate: 'tanh'`). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
    this.approximate = approximate;
  }
  override forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** x * sigmoid(x) (swish). */
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x * tanh(softplus(x)). */
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x * relu6(x + 3) / 6. */
export class Hardswish extends Module {
  override forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/** Clamps to [minVal, maxVal] (defaults -1, 1). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(minVal = -1, maxVal = 1) {
    super();
    this.minVal = checkNumber('Hardtanh', 'minVal', minVal);
    this.maxVal = checkNumber('Hardtanh', 'maxVal', maxVal);
    if (minVal > maxVal) throw new Error(`Hardtanh: minVal ${minVal} is greater than maxVal ${maxVal}`);
  }
  override forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** 1 / (1 + e^-x). */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x). */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** log(1 + e^(beta x)) / beta, x itself above the threshold (defaults beta 1, threshold 20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = checkNumber('Softplus', 'beta', beta);
    this.threshold = checkNumber('Softplus', 'threshold', threshold);
  }
  override forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  override forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** log(sigmoid(x)), computed stably. */
export class LogSigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}

/** x - tanh(x). */
export class Tanhshrink extends Module {
  override forward(x: Tensor): Tensor {
    return tanhshrink(x);
  }
}

/** x where |x| > lambd, 0 elsewhere (default lambd 0.5). */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(lambd = 0.5) {
    super();
    this.lambd = checkNumber('Hardshrink', 'lambd', lambd);
  }
  override forward(x: Tensor): Tensor {
    return hardshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `lambd=${this.lambd}`;
  }
}

/** Soft thresholding by lambd (default 0.5). */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(lambd = 0.5) {
    super();
    this.lambd = checkNumber('Softshrink', 'lambd', lambd);
  }
  override forward(x: Tensor): Tensor {
    return softshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `lambd=${this.lambd}`;
  }
}

/** Gated linear unit along `dim` (default -1): first half times the sigmoid of the second. */
export class GLU extends Module {
  readonly dim: number;
  constructor(dim = -1) {
    super();
    this.dim = checkDim('GLU', dim);
  }
  override forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Softmax along `dim` (required: PyTorch's implicit choice of dim is deprecated).
 *
 * ```ts
 * new nn.Softmax(1).forward(logits); // rows sum to 1
 * ```
 */
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkDim('Softmax', dim);
  }
  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim` (required), computed stably. */
export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }
  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax(-x) along `dim` (required). */
export class Softmin extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkDim('Softmin', dim);
  }
  override forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
