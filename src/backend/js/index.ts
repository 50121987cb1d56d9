/** The reference backend: plain TypeScript, every dtype, any strides. The oracle for all others. */
import type { Backend } from '../backend.js';
import { registerBackend } from '../registry.js';
import { allocArray } from '../../tensor/dtype.js';
import { assign, binary, copy, unary, where } from './elementwise.js';
import { reluBackward } from './relu-grad.js';
import { argReduce, reduce, scan } from './reduce.js';
import { matmul } from './matmul.js';
import { sort } from './sort.js';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from './conv.js';
import { avgPool2d, avgPool2dGrad, maxPool2d, maxPool2dGrad } from './pool.js';
import { gather, scatter } from './gather.js';
import { softmax } from './softmax.js';
import { batchNorm, batchNormBackward, layerNorm, layerNormBackward } from './norm.js';

export const jsBackend: Backend = {
  name: 'js',
  alloc: allocArray,
  copy,
  assign,
  unary,
  binary,
  where,
  reluBackward,
  reduce,
  argReduce,
  scan,
  sort,
  matmul,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  maxPool2d,
  maxPool2dGrad,
  avgPool2d,
  avgPool2dGrad,
  gather,
  scatter,
  softmax,
  layerNorm,
  layerNormBackward,
  batchNorm,
  batchNormBackward,
};

registerBackend(jsBackend, 0);
