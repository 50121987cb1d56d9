/**
 * Byte-level byte-pair encoding (the GPT-2 scheme): text is UTF-8 bytes, so any string encodes and
 * nothing is unknown. Ids 0-255 are the bytes, id 256 + i is the i-th learned merge, and special
 * tokens (like `<|endoftext|>`) come after the merges.
 *
 * Text is first split into pre-tokens (words with their leading space, runs of digits, punctuation,
 * whitespace) so merges never cross a word boundary. Training repeatedly merges the most frequent
 * adjacent pair, ties broken by the smaller pair of ids so that training is deterministic.
 *
 * ```ts
 * const tok = ByteBPETokenizer.train(corpus, { vocabSize: 512, specialTokens: ['<|endoftext|>'] });
 * const ids = tok.encode('hello world');
 * tok.decode(ids); // 'hello world'
 * const again = ByteBPETokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
 * ```
 */
import { countPairs, mergeWords, pairKey, type TrainingWord } from './bpe-training.js';

const PRE_TOKEN = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const MAX_VOCAB = 1 << 20;

export interface ByteBPEJSON {
  type: 'byte-bpe';
  version: 1;
  /** Merge i joins tokens `merges[i][0]` and `merges[i][1]` into token 256 + i. */
  merges: [number, number][];
  specialTokens: string[];
}

export interface ByteBPETrainOptions {
  /** Final vocabulary size including the 256 bytes and the special tokens. */
  vocabSize: number;
  specialTokens?: string[];
  /** Pairs seen fewer times than this are never merged (default 2). */
  minFrequency?: number;
}

export interface EncodeOptions {
  /** Encode special-token strings in the text as their ids (default true); otherwise as plain bytes. */
  allowSpecial?: boolean;
}

export class ByteBPETokenizer {
  readonly merges: readonly (readonly [number, number])[];
  readonly specialTokens: readonly string[];
  private readonly ranks = new Map<number, number>();
  private readonly bytesOf: Uint8Array[] = [];
  private readonly specialIds = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly specialPattern: RegExp | null;

  constructor(merges: readonly (readonly [number, number])[], specialTokens: readonly string[] = []) {
    for (let b = 0; b < 256; b++) this.bytesOf.push(Uint8Array.of(b));
    merges.forEach(([a, b], i) => {
      const id = 256 + i;
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= id || b >= id) {
        throw new Error(`ByteBPETokenizer: merge ${i} joins [${a}, ${b}], but only ids below ${id} exist at that point`);
      }
      if (this.ranks.has(pairKey(a, b))) throw new Error(`ByteBPETokenizer: merge ${i} repeats the pair [${a}, ${b}]`);
      this.ranks.set(pairKey(a, b), i);
      const joined = new Uint8Array(this.bytesOf[a]!.length + this.bytesOf[b]!.length);
      joined.set(this.bytesOf[a]!);
      joined.set(this.bytesOf[b]!, this.bytesOf[a]!.length);
      this.bytesOf.push(joined);
    });
    for (const s of specialTokens) {
      if (typeof s !== 'string' || s.length === 0) throw new Error(`ByteBPETokenizer: special tokens must be non-empty strings, got ${JSON.stringify(s)}`);
      if (this.specialIds.has(s)) throw new Error(`ByteBPETokenizer: duplicate special token ${JSON.stringify(s)}`);
      this.specialIds.set(s, 256 + merges.length + this.specialIds.size);
    }
    if (256 + merges.length + specialTokens.length > MAX_VOCAB) throw new Error(`ByteBPETokenizer: vocabulary larger than ${MAX_VOCAB}`);
    this.merges = merges.map(([a, b]) => [a, b] as const);
    this.specialTokens = [...specialTokens];
    // Longest first, so that a special token that contains another wins.
    const escaped = [...specialTokens].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.specialPattern = escaped.length > 0 ? new RegExp(`(${escaped.join('|')})`) : null;
  }

  /** Learns `vocabSize - 256 - specialTokens.length` merges from `text`. */
  static train(text: string, options: ByteBPETrainOptions): ByteBPETokenizer {
    const specialTokens = options.specialTokens ?? [];
    const { vocabSize } = options;
    const minFrequency = options.minFrequency ?? 2;
    if (!Number.isInteger(vocabSize) || vocabSize < 256 + specialTokens.length || vocabSize > MAX_VOCAB) {
      throw new Error(`ByteBPETokenizer.train: vocabSize must be an integer in [${256 + specialTokens.length}, ${MAX_VOCAB}] (256 bytes + ${specialTokens.length} special tokens), got ${vocabSize}`);
    }
    if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new Error(`ByteBPETokenizer.train: minFrequency must be a positive integer, got ${minFrequency}`);
    const counts = new Map<string, number>();
    for (const piece of splitSpecial(text, specialTokens)) {
      if (specialTokens.includes(piece)) continue;
      for (const m of piece.matchAll(PRE_TOKEN)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    }
    const encoder = new TextEncoder();
    const words: TrainingWord[] = [...counts].map(([w, count]) => ({ symbols: [...encoder.encode(w)], count }));
    const state = countPairs(words);
    const merges: [number, number][] = [];
    const wanted = vocabSize - 256 - specialTokens.length;
    while (merges.length < wanted) {
      let bestKey = -1;
      let bestCount = 0;
      for (const [key, count] of state.pairCounts) {
        if (count > bestCount || (count === bestCount && key < bestKey)) {
          bestKey = key;
          bestCount = count;
        }
      }
      if (bestKey < 0 || bestCount < minFrequency) break;
      const a = Math.floor(bestKey / MAX_VOCAB);
      const b = bestKey % MAX_VOCAB;
      merges.push([a, b]);
      mergeWords(words, state, a, b, 256 + merges.length - 1);
    }
    return new ByteBPETokenizer(merges, specialTokens);
  }

  static fromJSON(json: ByteBPEJSON): ByteBPETokenizer {
    if (json === null || typeof json !== 'object' || json.type !== 'byte-bpe' || !Array.isArray(json.merges)) {
      throw new Error(`ByteBPETokenizer.fromJSON: expected { type: 'byte-bpe', merges: [...] }`);
    }
    for (const [i, m] of json.merges.entries()) {
      if (!Array.isArray(m) || m.length !== 2) throw new Error(`ByteBPETokenizer.fromJSON: merge ${i} must be a pair of ids, got ${JSON.stringify(m)}`);
    }
    return new ByteBPETokenizer(json.merges, json.specialTokens ?? []);
  }

  get vocabSize(): number {
    return 256 + this.merges.length + this.specialTokens.length;
  }

  /** The id of a special token (throws when it is not one). */
  specialId(token: string): number {
    const id = this.specialIds.get(token);
    if (id === undefined) throw new Error(`ByteBPETokenizer: ${JSON.stringify(token)} is not a special token`);
    return id;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const allowSpecial = options.allowSpecial ?? true;
    const out: number[] = [];
    const pieces = allowSpecial ? splitSpecial(text, this.specialTokens, this.specialPattern) : [text];
    for (const piece of pieces) {
      const special = allowSpecial ? this.specialIds.get(piece) : undefined;
      if (special !== undefined) {
        out.push(special);
        continue;
      }
      for (const m of piece.matchAll(PRE_TOKEN)) out.push(...this.encodeWord(m[0]));
    }
    return out;
  }

  /** Decodes ids to text; byte sequences that are not valid UTF-8 become U+FFFD. */
  decode(ids: Iterable<number>): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    const encoder = new TextEncoder();
    for (const id of ids) {
      let bytes = this.bytesOf[id];
      if (bytes === undefined && Number.isInteger(id) && id >= 0 && id < this.vocabSize) bytes = encoder.encode(this.specialTokens[id - this.bytesOf.length]!);
      if (bytes === undefined) throw new Error(`ByteBPETokenizer.decode: token id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      parts.push(bytes);
      length += bytes.length;
    }
    const all = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder('utf-8').decode(all);
  }

  toJSON(): ByteBPEJSON {
    return { type: 'byte-bpe', version: 1, merges: this.merges.map(([a, b]) => [a, b]), specialTokens: [...this.specialTokens] };
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    let symbols = [...new TextEncoder().encode(word)];
    for (;;) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(pairKey(symbols[i]!, symbols[i + 1]!));
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      if (bestRank === Infinity) break;
      const [a, b] = this.merges[bestRank]!;
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(256 + bestRank);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(word, symbols);
    return symbols;
  }
}

function splitSpecial(text: string, specialTokens: readonly string[], pattern?: RegExp | null): string[] {
  if (specialTokens.length === 0) return [text];
  const re = pattern ?? new RegExp(`(${[...specialTokens].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
  return text.split(re).filter((p) => p.length > 0);
}
