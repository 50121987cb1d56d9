/** Linear and Bilinear layers, with PyTorch's initialization. */
import type { Tensor } from '../../tensor/tensor.js';
import { Module, type Parameter } from '../module.js';
import { kaimingUniform_, uniform_, calculateFanInAndFanOut, type InitOptions } from '../init.js';
import { bilinear, linear } from '../functional/linear.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';

export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * `y = x W^T + b`: input [..., inFeatures] to [..., outFeatures]. Weight [outFeatures, inFeatures]
 * from kaiming uniform with a = sqrt(5) (U(-1/sqrt(in), 1/sqrt(in))), bias from the same range.
 *
 * ```ts
 * const fc = new nn.Linear(784, 10);
 * fc.forward(x); // [N, 10]
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkInt('Linear', 'inFeatures', inFeatures, 0);
    checkInt('Linear', 'outFeatures', outFeatures, 0);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = newParameter('Linear', [outFeatures, inFeatures], options);
    this.bias = options.bias === false ? null : newParameter('Linear', [outFeatures], options);
    this.resetParameters(options);
  }

  /** Draws fresh initial values (PyTorch's reset_parameters). */
  resetParameters(options: InitOptions = {}): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: options.generator });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, options);
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * `y_k = x1^T A_k x2 + b_k`: inputs [..., in1] and [..., in2] to [..., out]. Weight [out, in1, in2]
 * and bias [out] from U(-1/sqrt(in1), 1/sqrt(in1)), as in PyTorch.
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkInt('Bilinear', 'in1Features', in1Features, 1);
    checkInt('Bilinear', 'in2Features', in2Features, 1);
    checkInt('Bilinear', 'outFeatures', outFeatures, 0);
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = newParameter('Bilinear', [outFeatures, in1Features, in2Features], options);
    this.bias = options.bias === false ? null : newParameter('Bilinear', [outFeatures], options);
    this.resetParameters(options);
  }

  resetParameters(options: InitOptions = {}): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound, options);
    if (this.bias !== null) uniform_(this.bias, -bound, bound, options);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
