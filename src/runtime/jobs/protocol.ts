/** Messages a job script (worker thread or child process) sends back to whoever started it. */
export type JobMessage<T> =
  | { type: 'progress'; message: string; increment?: number }
  | { type: 'result'; value: T }
  | { type: 'error'; message: string };

export function isJobMessage(value: unknown): value is JobMessage<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; message?: unknown };
  switch (message.type) {
    case 'progress':
    case 'error':
      return typeof message.message === 'string';
    case 'result':
      return 'value' in message;
    default:
      return false;
  }
}
