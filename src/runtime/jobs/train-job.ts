import { Worker } from 'node:worker_threads';
import type { ExecutionConfig } from '../onnx/execution';
import { isFinalStatus, isTrainEvent, statusAfter, type TrainJobStatus } from '../train/events';
import type { TrainCommand, TrainConfig, TrainEvent } from '../train/types';

/**
 * One training run in a long-lived worker thread (dist/workers/train.js): it streams TrainEvents, takes pause /
 * resume / stop, and keeps every event so that a panel that reconnects draws the whole run.
 */
export class TrainJob {
  readonly events: TrainEvent[] = [];
  private currentStatus: TrainJobStatus = 'starting';
  private readonly listeners = new Set<(event: TrainEvent, status: TrainJobStatus) => void>();
  private readonly worker: Worker;
  /** Resolves when the worker has exited, with the final status. */
  readonly done: Promise<TrainJobStatus>;

  constructor(readonly id: number, readonly config: TrainConfig, script: string, execution: ExecutionConfig) {
    this.worker = new Worker(script, { workerData: { config, execution } });
    this.done = new Promise((resolve) => {
      this.worker.on('message', (message: unknown) => {
        if (isTrainEvent(message)) this.record(message);
      });
      this.worker.on('error', (error) => this.record({ type: 'error', message: error.message }));
      this.worker.on('exit', (code) => {
        if (!isFinalStatus(this.currentStatus)) {
          this.record(this.currentStatus === 'stopping'
            ? { type: 'stopped', checkpoint: this.lastCheckpoint() }
            : { type: 'error', message: `the training worker exited (code ${code}) before the run finished` });
        }
        resolve(this.currentStatus);
      });
    });
  }

  get status(): TrainJobStatus {
    return this.currentStatus;
  }

  /** Listens to every later event; returns the unsubscribe function. */
  onEvent(listener: (event: TrainEvent, status: TrainJobStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(command: TrainCommand): void {
    if (isFinalStatus(this.currentStatus)) throw new Error(`the run has already ${this.currentStatus}`);
    if (command.type === 'stop') this.currentStatus = 'stopping';
    this.worker.postMessage(command);
  }

  /** Ends the worker at once (the window closes): the last checkpoint on disk is what remains. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private lastCheckpoint(): string {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const event = this.events[i];
      if (event.type === 'epoch') return event.checkpoint;
    }
    return '';
  }

  private record(event: TrainEvent): void {
    this.events.push(event);
    this.currentStatus = statusAfter(this.currentStatus, event);
    for (const listener of this.listeners) listener(event, this.currentStatus);
  }
}
