import { parentPort, Worker, workerData } from 'node:worker_threads';
import { applyJobExecution } from '../onnx/execution';

/**
 * A long-lived job: unlike the one-shot jobs of run-job.ts it takes commands while it runs (each with a request id,
 * acknowledged or refused) and streams events until its result.
 */
export type LongJobRequest<C> = { type: 'command'; id: number; command: C };

export type LongJobMessage<E, R> =
  | { type: 'event'; event: E }
  | { type: 'ack'; id: number; error?: string }
  | { type: 'result'; value: R }
  | { type: 'error'; message: string };

export function isLongJobRequest(value: unknown): value is LongJobRequest<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const request = value as { type?: unknown; id?: unknown };
  return request.type === 'command' && Number.isInteger(request.id) && 'command' in request;
}

export function isLongJobMessage(value: unknown): value is LongJobMessage<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; id?: unknown; message?: unknown; error?: unknown };
  switch (message.type) {
    case 'event': return 'event' in message;
    case 'ack': return Number.isInteger(message.id) && (message.error === undefined || typeof message.error === 'string');
    case 'result': return 'value' in message;
    case 'error': return typeof message.message === 'string';
    default: return false;
  }
}

export interface LongJob<C, R> {
  /** Sends a command; resolves when the job has applied it, rejects with its reason when it refuses. */
  send(command: C): Promise<void>;
  /** The job's result, or its error. */
  readonly done: Promise<R>;
  /** Ends the job at once (its result then rejects). */
  terminate(): Promise<void>;
}

export interface LongJobOptions<E> {
  onEvent?: (event: E) => void;
  /** Drops events that do not pass (a worker speaking another protocol version). */
  isEvent?: (value: unknown) => value is E;
}

/** Starts a worker-thread script served by serveLongWorkerJob, with `data` as its input. */
export function startLongWorkerJob<C, E, R>(script: string, data: unknown, options: LongJobOptions<E> = {}): LongJob<C, R> {
  const worker = new Worker(script, { workerData: data });
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let finished = false;
  const failPending = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const done = new Promise<R>((resolve, reject) => {
    const settle = (settleWith: () => void) => {
      if (finished) return;
      finished = true;
      failPending(new Error('the job has ended'));
      void worker.terminate();
      settleWith();
    };
    worker.on('message', (raw: unknown) => {
      if (!isLongJobMessage(raw)) return;
      const message = raw as LongJobMessage<E, R>;
      if (message.type === 'event') {
        if (!options.isEvent || options.isEvent(message.event)) options.onEvent?.(message.event);
      } else if (message.type === 'ack') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error === undefined) waiter?.resolve();
        else waiter?.reject(new Error(message.error));
      } else if (message.type === 'result') settle(() => resolve(message.value));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`worker ${script} exited (code ${code}) without a result`))));
  });
  return {
    send(command: C) {
      if (finished) return Promise.reject(new Error('the job has ended'));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'command', id, command } satisfies LongJobRequest<C>);
      });
    },
    done,
    async terminate() {
      await worker.terminate();
    },
  };
}

export interface LongJobContext<C, E> {
  emit(event: E): void;
  /** The handler of commands; a thrown error refuses the command with its message. */
  onCommand(handler: (command: C) => void | Promise<void>): void;
}

/** Body of a long-lived worker-thread script: runs `run` on workerData, applying validated commands as they come. */
export function serveLongWorkerJob<I, C, E, R>(isCommand: (value: unknown) => value is C, run: (input: I, context: LongJobContext<C, E>) => Promise<R>): void {
  if (!parentPort) throw new Error('this script runs as a worker thread');
  const port = parentPort;
  const send = (message: LongJobMessage<E, R>) => port.postMessage(message);
  let handler: ((command: C) => void | Promise<void>) | undefined;
  port.on('message', async (raw: unknown) => {
    if (!isLongJobRequest(raw)) return;
    if (!isCommand(raw.command)) return send({ type: 'ack', id: raw.id, error: `not a command this job takes: ${JSON.stringify(raw.command)}` });
    if (!handler) return send({ type: 'ack', id: raw.id, error: 'the job takes no commands yet' });
    try {
      await handler(raw.command);
      send({ type: 'ack', id: raw.id });
    } catch (error) {
      send({ type: 'ack', id: raw.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  const context: LongJobContext<C, E> = { emit: (event) => send({ type: 'event', event }), onCommand: (next) => { handler = next; } };
  const started = (async () => {
    applyJobExecution(workerData);
    return run(workerData as I, context);
  })();
  started.then(
    (value) => { send({ type: 'result', value }); port.close(); },
    (error: unknown) => { send({ type: 'error', message: error instanceof Error ? error.message : String(error) }); port.close(); },
  );
}
