// A training run's status as its events move it, shared by the host's job wrapper and the Train panel's page (no Node imports here).
import type { TrainEvent } from './types';

export type TrainJobStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'failed';

export const TRAIN_JOB_STATUSES: readonly TrainJobStatus[] = ['starting', 'running', 'paused', 'stopping', 'finished', 'stopped', 'failed'];

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
