import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { isJobMessage, type JobMessage } from './protocol';

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelledError';
  }
}

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (message: string, increment?: number) => void;
}

/** The transport-independent part of a job: a process-like thing that sends JobMessages and can be killed. */
interface JobChannel {
  onMessage(listener: (message: unknown) => void): void;
  onFailure(listener: (error: Error) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

function runOverChannel<T>(channel: JobChannel, describe: () => string, options: JobOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      channel.kill();
      settle();
    };
    const onAbort = () => finish(() => reject(new JobCancelledError()));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    channel.onMessage((raw) => {
      if (!isJobMessage(raw)) return;
      const message = raw as JobMessage<T>;
      if (message.type === 'progress') options.onProgress?.(message.message, message.increment);
      else if (message.type === 'result') finish(() => resolve(message.value));
      else finish(() => reject(new Error(message.message)));
    });
    channel.onFailure((error) => finish(() => reject(error)));
    channel.onExit((code) => finish(() => reject(new Error(`${describe()} exited (code ${code}) without a result`))));
  });
}

/** Runs a worker-thread script that answers `workerData` with JobMessages; terminates it on abort. */
export function runWorkerJob<T>(script: string, data: unknown, options: JobOptions = {}): Promise<T> {
  const worker = new Worker(script, { workerData: data });
  return runOverChannel<T>(
    {
      onMessage: (listener) => worker.on('message', listener),
      onFailure: (listener) => worker.on('error', listener),
      onExit: (listener) => worker.on('exit', listener),
      kill: () => void worker.terminate(),
    },
    () => `worker ${script}`,
    options,
  );
}

/**
 * Runs a script in a child process (for work whose native code might crash the process, such as probing GPU
 * drivers). The script reads its input from the first 'message' and answers with JobMessages.
 */
export function runChildJob<T>(script: string, data: unknown, options: JobOptions = {}): Promise<T> {
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  child.send(data as object);
  return runOverChannel<T>(
    {
      onMessage: (listener) => child.on('message', listener),
      onFailure: (listener) => child.on('error', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        if (child.exitCode === null) child.kill();
      },
    },
    () => `process ${script}${stderr ? ` (${stderr.trim()})` : ''}`,
    options,
  );
}
