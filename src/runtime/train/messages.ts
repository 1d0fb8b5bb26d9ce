import type { SessionOptions } from '../onnx/session';
import type { TrainCommand, TrainConfig, TrainEvent } from './types';

/** What the training worker is started with. */
export interface TrainWorkerInput {
  config: TrainConfig;
  session?: SessionOptions;
}

export function isTrainCommand(value: unknown): value is TrainCommand {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'pause' || type === 'resume' || type === 'stop';
}

const isNumber = (value: unknown) => typeof value === 'number';
const isString = (value: unknown) => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Checks an event's type and the fields a listener reads. */
export function isTrainEvent(value: unknown): value is TrainEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'started': return Array.isArray(value.classes) && isNumber(value.trainImages) && isNumber(value.valImages) && Array.isArray(value.skipped) && isString(value.provider) && isString(value.device);
    case 'step': return ['epoch', 'step', 'stepsPerEpoch', 'loss', 'accuracy', 'learningRate', 'imagesPerSec', 'etaSeconds'].every((key) => isNumber(value[key]));
    case 'epoch': return isObject(value.metrics) && isNumber(value.metrics.epoch) && isString(value.checkpoint);
    case 'gradcam': return isNumber(value.epoch) && isString(value.image) && isString(value.png);
    case 'paused':
    case 'resumed': return true;
    case 'stopped': return isString(value.checkpoint);
    case 'finished': return isObject(value.summary) && isString(value.summary.output);
    case 'error': return isString(value.message);
    default: return false;
  }
}
