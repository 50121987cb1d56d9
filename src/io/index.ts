/**
 * Saving and loading: safetensors files (PyTorch / Hugging Face interchange), crash-safe writes,
 * model weights and full training checkpoints.
 *
 * ```ts
 * import { io } from 'tessera';
 * io.saveModel('model.safetensors', model);
 * io.saveCheckpoint('run/last.safetensors', { model, optimizer, scheduler, epoch, step });
 * const { epoch, step } = io.loadCheckpoint('run/last.safetensors', { model, optimizer, scheduler });
 * ```
 */
export {
  serializeSafetensors,
  parseSafetensors,
  saveSafetensors,
  loadSafetensors,
  parseSafetensorsHeader,
  MAX_HEADER_BYTES,
  type NamedTensors,
  type SafetensorsContents,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsDType,
} from './safetensors.js';
export { atomicWriteFile } from './atomic.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  saveModel,
  loadModel,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type SaveCheckpointOptions,
  type LoadCheckpointOptions,
  type CheckpointInfo,
  type StatefulScheduler,
} from './checkpoint.js';
