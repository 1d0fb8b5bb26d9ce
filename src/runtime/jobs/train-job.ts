import type { ExecutionConfig } from '../onnx/execution';
import { isFinalStatus, statusAfter, type TrainJobStatus } from '../train/events';
import { isTrainEvent, type TrainWorkerInput } from '../train/messages';
import type { TrainCommand, TrainConfig, TrainEvent, TrainSummary } from '../train/types';
import { startLongWorkerJob, type LongJob } from './long-job';

/**
 * One training run in the long-lived training worker (dist/workers/train.js) as the extension holds it: its status,
 * every event so far (so that a panel that reconnects draws the whole run), and pause / resume / stop.
 */
export class TrainJob {
  readonly events: TrainEvent[] = [];
  private currentStatus: TrainJobStatus = 'starting';
  private readonly listeners = new Set<(event: TrainEvent, status: TrainJobStatus) => void>();
  private readonly job: LongJob<TrainCommand, TrainSummary | null>;
  /** Resolves when the worker has ended, with the final status. */
  readonly done: Promise<TrainJobStatus>;

  constructor(readonly id: number, readonly config: TrainConfig, script: string, execution: ExecutionConfig) {
    const input: TrainWorkerInput & { execution: ExecutionConfig } = { config, execution };
    this.job = startLongWorkerJob<TrainCommand, TrainEvent, TrainSummary | null>(script, input, { isEvent: isTrainEvent, onEvent: (event) => this.record(event) });
    this.done = this.job.done.then(
      () => this.currentStatus,
      (error: Error) => {
        if (!isFinalStatus(this.currentStatus)) this.record({ type: 'error', message: error.message });
        return this.currentStatus;
      },
    );
  }

  get status(): TrainJobStatus {
    return this.currentStatus;
  }

  /** Listens to every later event; returns the unsubscribe function. */
  onEvent(listener: (event: TrainEvent, status: TrainJobStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a command; resolves when the worker has applied it. */
  async send(command: TrainCommand): Promise<void> {
    if (isFinalStatus(this.currentStatus)) throw new Error(`the run has already ${this.currentStatus}`);
    if (command.type === 'stop') this.currentStatus = 'stopping';
    await this.job.send(command);
  }

  /** Ends the worker at once (the window closes): the last checkpoint on disk is what remains. */
  terminate(): Promise<void> {
    return this.job.terminate();
  }

  private record(event: TrainEvent): void {
    this.events.push(event);
    this.currentStatus = statusAfter(this.currentStatus, event);
    for (const listener of this.listeners) listener(event, this.currentStatus);
  }
}
