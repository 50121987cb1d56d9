/**
 * `text`: tokenizers for language models.
 *
 * ```ts
 * import { text } from 'tessera';
 * const chars = text.CharTokenizer.fromText(corpus);
 * const bpe = text.ByteBPETokenizer.train(corpus, { vocabSize: 1024 });
 * ```
 */
export { CharTokenizer, type CharTokenizerJSON, type CharTokenizerOptions } from './char-tokenizer.js';
export { ByteBPETokenizer, type ByteBPEJSON, type ByteBPETrainOptions, type EncodeOptions } from './bpe-tokenizer.js';
export { generate, topKFilter, topPFilter, type CausalLM, type GenerateOptions } from './generate.js';
