// Pure facts about TrainEvents, shared by the host's job wrapper and the Train panel's page (no Node imports here).
import type { TrainEvent } from './types';

export type TrainJobStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'failed';

export const TRAIN_JOB_STATUSES: readonly TrainJobStatus[] = ['starting', 'running', 'paused', 'stopping', 'finished', 'stopped', 'failed'];

const EVENT_TYPES = new Set<TrainEvent['type']>(['started', 'step', 'epoch', 'gradcam', 'paused', 'resumed', 'stopped', 'finished', 'error']);

export function isTrainEvent(value: unknown): value is TrainEvent {
  return typeof value === 'object' && value !== null && EVENT_TYPES.has((value as { type?: TrainEvent['type'] }).type!);
}

/** The status a run is in after an event. */
export function statusAfter(status: TrainJobStatus, event: TrainEvent): TrainJobStatus {
  switch (event.type) {
    case 'started':
    case 'resumed':
      return status === 'stopping' ? status : 'running';
    case 'paused':
      return status === 'stopping' ? status : 'paused';
    case 'stopped':
      return 'stopped';
    case 'finished':
      return status === 'stopped' || status === 'stopping' ? 'stopped' : 'finished';
    case 'error':
      return 'failed';
    default:
      return status;
  }
}

export const isFinalStatus = (status: TrainJobStatus): boolean => status === 'finished' || status === 'stopped' || status === 'failed';
