/**
 * Image transforms for one sample [C, H, W] (see transform.ts for the `Transform` interface: a function
 * `(x, rng) => Tensor`), and batch-level mixing (mix.ts).
 */
export type { Transform } from './transform.js';
export { compose, randomApply, randomChoice } from './compose.js';
export { toImageTensor, type ToImageTensorOptions } from './to-tensor.js';
export { normalize, computeMeanStd, type MeanStd } from './normalize.js';
export { pad, crop, centerCrop, randomCrop, type PaddingMode, type RandomCropOptions } from './crop.js';
export { flipImage, randomHorizontalFlip, randomVerticalFlip } from './flip.js';
export { affine, randomAffine, type AffineParams, type RandomAffineOptions } from './affine.js';
export { resize, randomResizedCrop, type RandomResizedCropOptions } from './resize.js';
export { colorJitter, adjustBrightness, adjustContrast, type ColorJitterOptions } from './color.js';
export { gaussianNoise, type GaussianNoiseOptions } from './noise.js';
export { erase, randomErasing, type RandomErasingOptions } from './erasing.js';
export { mixup, cutmix, type MixResult, type MixOptions, type BatchMix } from './mix.js';
