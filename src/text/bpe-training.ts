/**
 * The bookkeeping behind BPE training: pair counts over the distinct pre-tokens (each weighted by
 * how often it occurs), and for each pair the words that contain it, so a merge touches only the
 * words it changes instead of rescanning the corpus.
 */
const KEY_BASE = 1 << 20;

/** One distinct pre-token: its current symbols and how many times it occurs in the corpus. */
export interface TrainingWord {
  symbols: number[];
  count: number;
}

export interface PairState {
  pairCounts: Map<number, number>;
  /** Words that contained the pair when it was last counted (may hold stale entries; they are checked). */
  pairWords: Map<number, Set<number>>;
}

export function pairKey(a: number, b: number): number {
  return a * KEY_BASE + b;
}

export function countPairs(words: readonly TrainingWord[]): PairState {
  const state: PairState = { pairCounts: new Map(), pairWords: new Map() };
  words.forEach((w, index) => addWordPairs(state, w, index, 1));
  return state;
}

function addWordPairs(state: PairState, word: TrainingWord, index: number, sign: 1 | -1): void {
  const s = word.symbols;
  for (let i = 0; i + 1 < s.length; i++) {
    const key = pairKey(s[i]!, s[i + 1]!);
    const count = (state.pairCounts.get(key) ?? 0) + sign * word.count;
    if (count > 0) state.pairCounts.set(key, count);
    else state.pairCounts.delete(key);
    if (sign > 0) {
      let set = state.pairWords.get(key);
      if (set === undefined) state.pairWords.set(key, (set = new Set()));
      set.add(index);
    }
  }
}

/** Replaces every adjacent (a, b) with `id` in the words that contain it, updating the counts. */
export function mergeWords(words: TrainingWord[], state: PairState, a: number, b: number, id: number): void {
  const key = pairKey(a, b);
  const affected = state.pairWords.get(key);
  state.pairWords.delete(key);
  if (affected === undefined) return;
  for (const index of affected) {
    const word = words[index]!;
    const s = word.symbols;
    let found = false;
    for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) found = true;
    if (!found) continue;
    addWordPairs(state, word, index, -1);
    const merged: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
        merged.push(id);
        i++;
      } else merged.push(s[i]!);
    }
    word.symbols = merged;
    addWordPairs(state, word, index, 1);
  }
  state.pairCounts.delete(key);
}
