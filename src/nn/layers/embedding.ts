/** The Embedding layer: a lookup table of learned vectors, with PyTorch's paddingIdx and maxNorm. */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { fromArray } from '../../tensor/creation.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { embedding } from '../../ops/nn/embedding.js';
import { Module, Parameter } from '../module.js';
import { normal_, type InitOptions } from '../init.js';
import { checkInt, newParameter, type LayerOptions } from './support.js';

export interface EmbeddingLayerOptions extends LayerOptions {
  /** This row (negative counts from the end) starts at zero and never gets a gradient: a padding token. */
  paddingIdx?: number | null;
  /** Rows looked up with a p-norm above this are rescaled to it, in place, before each lookup. */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** Use this tensor [numEmbeddings, embeddingDim] as the initial weight instead of N(0, 1). */
  weight?: Tensor;
}

/**
 * Maps int32 indices of any shape to rows of a weight [numEmbeddings, embeddingDim], drawn from
 * N(0, 1). The output is [...indices.shape, embeddingDim].
 *
 * ```ts
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 2, 0]], { dtype: 'int32' })); // [1, 3, 3]; row 0 is zeros and stays so
 * ```
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    checkInt('Embedding', 'numEmbeddings', numEmbeddings, 0);
    checkInt('Embedding', 'embeddingDim', embeddingDim, 0);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new Error(`Embedding: paddingIdx ${pad} must be within [${-numEmbeddings}, ${numEmbeddings - 1}]`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    const maxNorm = options.maxNorm ?? null;
    if (maxNorm !== null && !(typeof maxNorm === 'number' && maxNorm > 0 && Number.isFinite(maxNorm))) {
      throw new Error(`Embedding: maxNorm must be a positive number, got ${String(maxNorm)}`);
    }
    this.maxNorm = maxNorm;
    const normType = options.normType ?? 2;
    if (typeof normType !== 'number' || !(normType > 0)) throw new Error(`Embedding: normType must be a positive number, got ${String(normType)}`);
    this.normType = normType;
    if (options.weight !== undefined) {
      const w = options.weight;
      if (!(w instanceof Tensor) || w.ndim !== 2 || w.shape[0] !== numEmbeddings || w.shape[1] !== embeddingDim) {
        throw new Error(`Embedding: weight must be a tensor of shape [${numEmbeddings}, ${embeddingDim}], got ${w instanceof Tensor ? formatShape(w.shape) : typeof w}`);
      }
      this.weight = w instanceof Parameter ? w : new Parameter(w);
    } else {
      this.weight = newParameter('Embedding', [numEmbeddings, embeddingDim], options);
      this.resetParameters(options);
    }
  }

  /**
   * An Embedding over existing vectors [numEmbeddings, embeddingDim] (shared, not copied); frozen
   * (no gradient) unless `freeze` is false.
   */
  static fromPretrained(embeddings: Tensor, options: Omit<EmbeddingLayerOptions, 'weight' | 'dtype' | 'generator'> & { freeze?: boolean } = {}): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new Error(`Embedding.fromPretrained: embeddings must be a 2-D tensor, got ${embeddings instanceof Tensor ? formatShape(embeddings.shape) : typeof embeddings}`);
    }
    const [n, d] = embeddings.shape as [number, number];
    const { freeze = true, ...rest } = options;
    const m = new Embedding(n, d, { ...rest, weight: new Parameter(embeddings, !freeze) });
    return m;
  }

  /** Draws fresh N(0, 1) rows and zeroes the padding row (PyTorch's reset_parameters). */
  resetParameters(options: InitOptions = {}): void {
    normal_(this.weight, 0, 1, options);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  override forward(indices: Tensor): Tensor {
    if (this.maxNorm !== null) this.renorm(indices);
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  /**
   * PyTorch's embedding_renorm_: every distinct looked-up row whose norm exceeds maxNorm is scaled by
   * maxNorm / (norm + 1e-7), in place and outside the graph. Out-of-range indices are left to the
   * lookup, which reports them.
   */
  private renorm(indices: Tensor): void {
    if (!(indices instanceof Tensor) || indices.dtype !== 'int32') return;
    const rows = [...new Set(indices.toArray() as Int32Array)].filter((i) => i >= 0 && i < this.numEmbeddings);
    if (rows.length === 0) return;
    noGrad(() => {
      const idx = fromArray(Int32Array.from(rows), [rows.length], 'int32');
      const selected = this.weight.indexSelect(0, idx);
      const norms = selected.norm(this.normType, 1, true);
      const scale = norms.add(1e-7).reciprocal().mul(this.maxNorm!).where(norms.gt(this.maxNorm!), 1);
      this.weight.indexPut_([idx], selected.mul(scale));
    });
  }

  override extraRepr(): string {
    const parts = [`${this.numEmbeddings}, ${this.embeddingDim}`];
    if (this.paddingIdx !== null) parts.push(`paddingIdx=${this.paddingIdx}`);
    if (this.maxNorm !== null) parts.push(`maxNorm=${this.maxNorm}`);
    if (this.normType !== 2) parts.push(`normType=${this.normType}`);
    return parts.join(', ');
  }
}
