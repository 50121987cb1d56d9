/**
 * Multi-layer recurrent layers with PyTorch's semantics and parameter names: RNN, LSTM and GRU, with
 * numLayers, bidirectional, batchFirst, dropout between layers, bias, initial states, LSTM
 * projections, and variable-length batches (lengths or a padding mask, like packed sequences).
 *
 * Parameters are registered as `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`
 * (`weight_hr_l{k}` with an LSTM projection), with the suffix `_reverse` for the backward direction,
 * in PyTorch's order, so a PyTorch state dict loads one to one.
 *
 * Each layer and direction projects the inputs of every time step with one matmul; the time loop
 * then only multiplies the hidden state by W_hh.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { fromArray, zeros } from '../../tensor/creation.js';
import { cat, stack } from '../../ops/shape.js';
import { where } from '../../ops/compare.js';
import { dropout } from '../../ops/nn/dropout.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import { tidy } from '../../tensor/scope.js';
import { Module, type Parameter } from '../module.js';
import { uniform_, type InitOptions } from '../init.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';
import { gateCount, gruStep, lstmStep, rnnStep, sequenceLengths, timeSteps, type RnnMode } from './rnn-support.js';

export interface RNNLayerOptions extends LayerOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Inputs and outputs are [batch, time, feature] instead of [time, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second, backward direction and concatenate its outputs (default false). */
  bidirectional?: boolean;
}

export interface ElmanRNNOptions extends RNNLayerOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export interface LSTMOptions extends RNNLayerOptions {
  /** Project each hidden state to this size with `weight_hr_l{k}` (default 0: no projection). */
  projSize?: number;
}

/** How a forward call treats padded batches. */
export interface RNNForwardOptions {
  /** Valid length of each sequence (number[] or an integer tensor [batch]); steps beyond it are padding. */
  lengths?: readonly number[] | Tensor | null;
  /** bool [batch, time], true marks padding (which must follow the valid steps): another way to give lengths. */
  paddingMask?: Tensor | null;
}

/** One layer-direction's parameters, looked up by name at each call (module.to() replaces them). */
interface CellWeights {
  wih: Tensor;
  whh: Tensor;
  bih: Tensor | null;
  bhh: Tensor | null;
  whr: Tensor | null;
}

/** What RNN, LSTM and GRU share: configuration, parameters, input and state handling, the time loop. */
abstract class RNNBase extends Module {
  readonly mode: RnnMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;

  constructor(
    protected readonly layerName: string,
    mode: RnnMode,
    inputSize: number,
    hiddenSize: number,
    options: LSTMOptions,
  ) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false, projSize = 0 } = options;
    checkInt(layerName, 'inputSize', inputSize, 1);
    checkInt(layerName, 'hiddenSize', hiddenSize, 1);
    checkInt(layerName, 'numLayers', numLayers, 1);
    checkInt(layerName, 'projSize', projSize, 0);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${layerName}: dropout must be a probability in [0, 1], got ${String(p)}`);
    if (projSize > 0 && mode !== 'LSTM') throw new Error(`${layerName}: projSize is only supported by LSTM`);
    if (projSize >= hiddenSize) throw new Error(`${layerName}: projSize must be smaller than hiddenSize, got projSize ${projSize} and hiddenSize ${hiddenSize}`);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    this.projSize = projSize;
    const gates = gateCount(mode) * hiddenSize;
    const realHidden = this.outputSize;
    for (let layer = 0; layer < numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : realHidden * this.numDirections;
      for (let dir = 0; dir < this.numDirections; dir++) {
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${suffix}`, newParameter(layerName, [gates, layerInput], options));
        this.registerParameter(`weight_hh${suffix}`, newParameter(layerName, [gates, realHidden], options));
        if (bias) {
          this.registerParameter(`bias_ih${suffix}`, newParameter(layerName, [gates], options));
          this.registerParameter(`bias_hh${suffix}`, newParameter(layerName, [gates], options));
        }
        if (projSize > 0) this.registerParameter(`weight_hr${suffix}`, newParameter(layerName, [projSize, hiddenSize], options));
      }
    }
    this.resetParameters(options);
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Features of each direction's output and hidden state: projSize when set, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** Every parameter from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch. */
  resetParameters(options: InitOptions = {}): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound, options);
  }

  private weights(layer: number, dir: number): CellWeights {
    const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const get = (name: string): Parameter | null => (this as unknown as Record<string, Parameter | null>)[`${name}${suffix}`] ?? null;
    return { wih: get('weight_ih')!, whh: get('weight_hh')!, bih: get('bias_ih'), bhh: get('bias_hh'), whr: get('weight_hr') };
  }

  /**
   * Runs the stack over `input` ([time, batch, input], batchFirst [batch, time, input], or unbatched
   * [time, input]) from states h0 (and c0) [numLayers * numDirections, batch, outputSize/hiddenSize].
   * Returns the output in the input's layout and the final states in PyTorch's layout.
   */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null, options: RNNForwardOptions): [Tensor, Tensor, Tensor | null] {
    const op = this.layerName;
    if (!(input instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${typeof input}`);
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      const layout = this.batchFirst ? 'batch, time' : 'time, batch';
      throw new Error(`${op}: expected input [${layout}, ${this.inputSize}] or unbatched [time, ${this.inputSize}], got ${formatShape(input.shape)}`);
    }
    const batched = input.ndim === 3;
    // Internally [time, batch, feature].
    const x = !batched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const [time, batch] = x.shape as [number, number];
    const stateCount = this.numLayers * this.numDirections;
    const h = this.initialState('h0', h0, [stateCount, batch, this.outputSize], batched, x.dtype);
    const c = this.mode === 'LSTM' ? this.initialState('c0', c0, [stateCount, batch, this.hiddenSize], batched, x.dtype) : null;
    const lengths = sequenceLengths(op, batch, time, options.lengths, options.paddingMask);
    const keep = lengths === null ? null : stepMasks(lengths, time);
    const steps = lengths === null ? time : Math.max(0, ...lengths);

    let layerInput = x;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let dir = 0; dir < this.numDirections; dir++) {
        const k = layer * this.numDirections + dir;
        const [out, hk, ck] = this.runDirection(layerInput, this.weights(layer, dir), h.select(0, k), c?.select(0, k) ?? null, dir === 1, keep, steps);
        outputs.push(out);
        hN.push(hk);
        if (ck !== null) cN.push(ck);
      }
      layerInput = outputs.length === 1 ? outputs[0]! : cat(outputs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) layerInput = dropout(layerInput, this.dropout, true);
    }
    let output = layerInput;
    let hOut = stack(hN, 0);
    let cOut = c === null ? null : stack(cN, 0);
    if (!batched) {
      output = output.squeeze(1);
      hOut = hOut.squeeze(1);
      cOut = cOut?.squeeze(1) ?? null;
    } else if (this.batchFirst) {
      output = output.transpose(0, 1);
    }
    return [output, hOut, cOut];
  }

  private initialState(name: string, s: Tensor | null, shape: number[], batched: boolean, dtype: Tensor['dtype']): Tensor {
    if (s == null) return zeros(shape, { dtype });
    const expected = batched ? shape : [shape[0]!, shape[2]!];
    if (!(s instanceof Tensor) || s.ndim !== expected.length || s.shape.some((d, i) => d !== expected[i])) {
      const got = s instanceof Tensor ? formatShape(s.shape) : typeof s;
      throw new Error(`${this.layerName}: ${name} must be ${formatShape(expected)} ([numLayers * numDirections, ${batched ? 'batch, ' : ''}features]), got ${got}`);
    }
    return batched ? s : s.unsqueeze(1);
  }

  /**
   * One direction of one layer over x [time, batch, in]: the input projection for all steps in one
   * matmul, then the recurrence. With `keep` (per-step bool [batch, 1], true while t < length) the
   * state stops changing after each sequence's end (and, in reverse, starts changing only at it),
   * and padded outputs are zero. Steps from `steps` on are padding for every sequence.
   */
  private runDirection(x: Tensor, w: CellWeights, h0: Tensor, c0: Tensor | null, reverse: boolean, keep: Tensor[] | null, steps: number): [Tensor, Tensor, Tensor | null] {
    const [time, batch, inFeatures] = x.shape as [number, number, number];
    // b_hh sits outside the gate nonlinearities' products for RNN and LSTM, so it folds into the
    // projection; GRU's n gate multiplies it by r, so GRU adds it at each step.
    const foldHiddenBias = this.mode !== 'GRU';
    const bias = w.bih === null ? null : foldHiddenBias && w.bhh !== null ? w.bih.add(w.bhh) : w.bih;
    let proj = x.reshape(time * batch, inFeatures).matmul(w.wih.mT);
    if (bias !== null) proj = proj.add(bias);
    proj = proj.reshape(time, batch, -1);
    const whhT = w.whh.mT;
    const bhh = foldHiddenBias ? null : w.bhh;
    const whrT = w.whr === null ? null : w.whr.mT;
    const relu = this.mode === 'RNN_RELU';
    let h = h0;
    let c = c0;
    const outputs: Tensor[] = new Array(time);
    const record = isGradEnabled();
    const xps = timeSteps(proj);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const xp = xps[t]!;
      const step = (): [Tensor, Tensor, Tensor | null] => {
        let hNext: Tensor;
        let cNext: Tensor | null = null;
        if (this.mode === 'LSTM') [hNext, cNext] = lstmStep(xp, h, c!, whhT, bhh, whrT);
        else if (this.mode === 'GRU') hNext = gruStep(xp, h, whhT, bhh);
        else hNext = rnnStep(xp, h, whhT, bhh, relu);
        if (keep === null) return [hNext, hNext, cNext];
        const m = keep[t]!;
        return [where(m, hNext, 0), where(m, hNext, h), cNext === null ? null : where(m, cNext, c!)];
      };
      // Without a graph to keep, each step's temporaries can go at once (native memory).
      const [out, hNext, cNext] = record ? step() : tidy(step);
      outputs[t] = out;
      h = hNext;
      c = cNext;
    }
    if (steps < time) {
      const pad = zeros([batch, h.shape[1]!], { dtype: h.dtype });
      for (let t = steps; t < time; t++) outputs[t] = pad;
    }
    return [time === 0 ? zeros([0, batch, h.shape[1]!], { dtype: h.dtype }) : stack(outputs, 0), h, c];
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.projSize > 0) parts.push(`projSize=${this.projSize}`);
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/** Per step t, bool [batch, 1]: whether t is within each sequence. */
function stepMasks(lengths: readonly number[], time: number): Tensor[] {
  return Array.from({ length: time }, (_, t) => fromArray(Uint8Array.from(lengths, (n) => (t < n ? 1 : 0)), [lengths.length, 1], 'bool'));
}

/**
 * Elman RNN: per layer and direction, h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act
 * tanh (default) or relu. Returns [output, hN]: output [time, batch, D * hiddenSize] (batchFirst:
 * [batch, time, ...]), hN [numLayers * D, batch, hiddenSize], D = 2 when bidirectional.
 *
 * ```ts
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.forward(x);          // x [5, 3, 10] -> out [5, 3, 20], hN [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: ElmanRNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}`);
    super('RNN', nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, h0: Tensor | null = null, options: RNNForwardOptions = {}): [Tensor, Tensor] {
    const [out, hN] = this.run(input, h0, null, options);
    return [out, hN];
  }
}

/**
 * LSTM with PyTorch's gates (i, f, g, o) and optional projection (projSize). Returns
 * [output, [hN, cN]]: hN [numLayers * D, batch, projSize || hiddenSize], cN [..., hiddenSize].
 * With `lengths` (or `paddingMask`), padded outputs are zero and hN / cN are each sequence's state
 * at its last valid step, as with PyTorch's packed sequences.
 *
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, bidirectional: true, batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(x, null, { lengths: [5, 3, 2] }); // x [3, 5, 10]
 * ```
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null, options: RNNForwardOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTM: hx must be a pair [h0, c0] or null');
    const [out, hN, cN] = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null, options);
    return [out, [hN, cN!]];
  }
}

/**
 * GRU with PyTorch's gates (r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn))). Returns
 * [output, hN] shaped as RNN's.
 *
 * ```ts
 * const gru = new nn.GRU(10, 20, { batchFirst: true });
 * const [out, hN] = gru.forward(x, h0);
 * ```
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNLayerOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, h0: Tensor | null = null, options: RNNForwardOptions = {}): [Tensor, Tensor] {
    const [out, hN] = this.run(input, h0, null, options);
    return [out, hN];
  }
}
