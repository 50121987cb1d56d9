/**
 * A character-level tokenizer: one token per Unicode code point seen in the training text, ids in
 * code-point order so that the same text always gives the same vocabulary.
 *
 * ```ts
 * const tok = CharTokenizer.fromText('hello world');
 * tok.encode('hold'); // [3, 5, 4, 2]
 * tok.decode(tok.encode('hold')); // 'hold'
 * ```
 */
export interface CharTokenizerJSON {
  type: 'char';
  chars: string[];
  /** The character that unknown characters map to, if any (it is part of `chars`). */
  unknown: string | null;
}

export interface CharTokenizerOptions {
  /** Map characters outside the vocabulary to this one (added to the vocabulary); default: throw. */
  unknown?: string;
}

export class CharTokenizer {
  readonly chars: readonly string[];
  readonly unknown: string | null;
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[], options: CharTokenizerOptions = {}) {
    const seen = new Set<string>();
    for (const c of chars) {
      if (typeof c !== 'string' || [...c].length !== 1) throw new Error(`CharTokenizer: each vocabulary entry must be one character, got ${JSON.stringify(c)}`);
      if (seen.has(c)) throw new Error(`CharTokenizer: duplicate character ${JSON.stringify(c)} in the vocabulary`);
      seen.add(c);
    }
    const unknown = options.unknown ?? null;
    if (unknown !== null && [...unknown].length !== 1) throw new Error(`CharTokenizer: unknown must be one character, got ${JSON.stringify(unknown)}`);
    this.chars = unknown !== null && !seen.has(unknown) ? [...chars, unknown] : [...chars];
    this.unknown = unknown;
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of `text`: its distinct code points, sorted. */
  static fromText(text: string, options: CharTokenizerOptions = {}): CharTokenizer {
    const chars = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharTokenizer(chars, options);
  }

  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    if (json === null || typeof json !== 'object' || json.type !== 'char' || !Array.isArray(json.chars)) {
      throw new Error(`CharTokenizer.fromJSON: expected { type: 'char', chars: [...] }`);
    }
    return new CharTokenizer(json.chars, json.unknown === null || json.unknown === undefined ? {} : { unknown: json.unknown });
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    let position = 0;
    for (const c of text) {
      let id = this.ids.get(c);
      if (id === undefined) {
        if (this.unknown === null) throw new Error(`CharTokenizer.encode: character ${JSON.stringify(c)} at offset ${position} is not in the vocabulary`);
        id = this.ids.get(this.unknown)!;
      }
      out.push(id);
      position += c.length;
    }
    return out;
  }

  decode(ids: Iterable<number>): string {
    let text = '';
    for (const id of ids) {
      const c = this.chars[id];
      if (!Number.isInteger(id) || c === undefined) throw new Error(`CharTokenizer.decode: token id ${id} is outside the vocabulary [0, ${this.chars.length})`);
      text += c;
    }
    return text;
  }

  toJSON(): CharTokenizerJSON {
    return { type: 'char', chars: [...this.chars], unknown: this.unknown };
  }
}
