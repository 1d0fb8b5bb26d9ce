import { parentPort, workerData } from 'node:worker_threads';
import { applyJobExecution } from '../onnx/execution';
import { conciseMessage } from '../errors';
import type { JobMessage } from './protocol';

export type JobHandler<I, O> = (input: I, progress: (message: string, increment?: number) => void) => Promise<O>;

async function answer<I, O>(input: I, handler: JobHandler<I, O>, send: (message: JobMessage<O>) => void): Promise<void> {
  try {
    applyJobExecution(input);
    const value = await handler(input, (message, increment) => send({ type: 'progress', message, increment }));
    send({ type: 'result', value });
  } catch (error) {
    send({ type: 'error', message: conciseMessage(error) });
  }
}

/** Body of a worker-thread job script: answers workerData with the handler's result. */
export function serveWorkerJob<I, O>(handler: JobHandler<I, O>): void {
  if (!parentPort) throw new Error('this script runs as a worker thread');
  const port = parentPort;
  void answer(workerData as I, handler, (message) => port.postMessage(message));
}

/** Body of a child-process job script: answers the first IPC message, then exits. */
export function serveChildJob<I, O>(handler: JobHandler<I, O>): void {
  if (!process.send) throw new Error('this script runs as a forked child process');
  process.once('message', (input) => {
    let lastSend: Promise<void> = Promise.resolve();
    const send = (message: JobMessage<O>) => {
      lastSend = new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
    };
    void answer(input as I, handler, send)
      .then(() => lastSend)
      .then(() => process.disconnect());
  });
}

/**
 * Body of a job script that runs either way: as a worker thread (tests, the CLI's peers) or as a forked child process,
 * which the extension prefers for long jobs it may cancel: killing a process cannot take its parent down, while
 * terminating a worker thread in the middle of native onnxruntime code has aborted the whole extension host.
 */
export function serveJob<I, O>(handler: JobHandler<I, O>): void {
  if (parentPort) serveWorkerJob(handler);
  else serveChildJob(handler);
}
