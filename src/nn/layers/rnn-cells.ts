/**
 * Single-step recurrent cells with PyTorch's equations, gate order and parameter names:
 * RNNCell (tanh or relu), LSTMCell (gates i, f, g, o) and GRUCell (gates r, z, n). Each holds
 * `weight_ih` [gates * hidden, input], `weight_hh` [gates * hidden, hidden] and, with bias,
 * `bias_ih` and `bias_hh` [gates * hidden], all drawn from U(-1/sqrt(hidden), 1/sqrt(hidden)).
 */
import type { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { zeros } from '../../tensor/creation.js';
import { Module, type Parameter } from '../module.js';
import { uniform_, type InitOptions } from '../init.js';
import { linear } from '../functional/linear.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';
import { gateCount, gruStep, lstmStep, rnnStep, type RnnMode } from './rnn-support.js';

export interface RNNCellOptions extends LayerOptions {
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** What the three cells share: the parameters, their init and the input checks. */
abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(
    protected readonly cellName: string,
    mode: RnnMode,
    inputSize: number,
    hiddenSize: number,
    options: RNNCellOptions,
  ) {
    super();
    checkInt(cellName, 'inputSize', inputSize, 1);
    checkInt(cellName, 'hiddenSize', hiddenSize, 1);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const g = gateCount(mode) * hiddenSize;
    this.weight_ih = newParameter(cellName, [g, inputSize], options);
    this.weight_hh = newParameter(cellName, [g, hiddenSize], options);
    this.bias_ih = options.bias === false ? null : newParameter(cellName, [g], options);
    this.bias_hh = options.bias === false ? null : newParameter(cellName, [g], options);
    this.resetParameters(options);
  }

  /** Every parameter from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch. */
  resetParameters(options: InitOptions = {}): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound, options);
  }

  /** Checks x ([batch, input] or unbatched [input]) and returns it batched, with whether it was. */
  protected batchedInput(x: Tensor): [Tensor, boolean] {
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(`${this.cellName}: expected input [batch, ${this.inputSize}] or [${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return x.ndim === 2 ? [x, true] : [x.unsqueeze(0), false];
  }

  /** A state for `x` (batched): the given one checked and batched, or zeros. */
  protected state(name: string, s: Tensor | null | undefined, x: Tensor, batched: boolean): Tensor {
    const batch = x.shape[0]!;
    if (s == null) return zeros([batch, this.hiddenSize], { dtype: x.dtype });
    const expected = batched ? [batch, this.hiddenSize] : [this.hiddenSize];
    if (s.ndim !== expected.length || s.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`${this.cellName}: ${name} must be ${formatShape(expected)} for input ${formatShape(batched ? x.shape : x.shape.slice(1))}, got ${formatShape(s.shape)}`);
    }
    return batched ? s : s.unsqueeze(0);
  }

  /** The input projection x W_ih^T + b_ih. */
  protected inputProjection(x: Tensor): Tensor {
    return linear(x, this.weight_ih, this.bias_ih);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, bias=${this.bias_ih !== null}`;
  }
}

export interface ElmanCellOptions extends RNNCellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * Elman cell: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh (default) or relu.
 * Input [batch, input] (or [input]); the state defaults to zeros.
 *
 * ```ts
 * const cell = new nn.RNNCell(10, 20);
 * let h = zeros([3, 20]);
 * for (const x of xs) h = cell.forward(x, h);
 * ```
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: ElmanCellOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`RNNCell: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}`);
    super('RNNCell', nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    const [xb, batched] = this.batchedInput(x);
    const out = rnnStep(this.inputProjection(xb), this.state('h', h, xb, batched), this.weight_hh.mT, this.bias_hh, this.nonlinearity === 'relu');
    return batched ? out : out.squeeze(0);
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, nonlinearity='${this.nonlinearity}'`;
  }
}

/**
 * LSTM cell (Hochreiter 1997, PyTorch's form): gates = x W_ih^T + b_ih + h W_hh^T + b_hh split as
 * i, f, g, o; c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c'). Returns [h', c'].
 *
 * ```ts
 * const cell = new nn.LSTMCell(10, 20);
 * const [h, c] = cell.forward(x);          // zero initial state
 * const [h2, c2] = cell.forward(x2, [h, c]);
 * ```
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [xb, batched] = this.batchedInput(x);
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTMCell: hx must be a pair [h, c] or null');
    const h = this.state('h', hx?.[0], xb, batched);
    const c = this.state('c', hx?.[1], xb, batched);
    const [h1, c1] = lstmStep(this.inputProjection(xb), h, c, this.weight_hh.mT, this.bias_hh, null);
    return batched ? [h1, c1] : [h1.squeeze(0), c1.squeeze(0)];
  }
}

/**
 * GRU cell (Cho 2014, PyTorch's form): r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),
 * z = sigmoid(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h' = (1 - z) n + z h.
 *
 * ```ts
 * const cell = new nn.GRUCell(10, 20);
 * const h = cell.forward(x, h0);
 * ```
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('GRUCell', 'GRU', inputSize, hiddenSize, options);
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    const [xb, batched] = this.batchedInput(x);
    const out = gruStep(this.inputProjection(xb), this.state('h', h, xb, batched), this.weight_hh.mT, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
}
