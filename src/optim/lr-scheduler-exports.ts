/** The public learning-rate schedules (PyTorch's torch.optim.lr_scheduler). */
export {
  LRScheduler,
  LambdaLR,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  LinearLR,
  CosineAnnealingLR,
  type SchedulerStateDict,
} from './lr-scheduler.js';
export { CosineAnnealingWarmRestarts, OneCycleLR, type OneCycleLROptions } from './lr-scheduler-cyclic.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './lr-scheduler-plateau.js';
export { SequentialLR, goyalWarmup, type GoyalWarmupOptions } from './lr-scheduler-sequential.js';
