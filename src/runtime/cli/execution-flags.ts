import { onProviderFallback, parseExecutionConfig, type ExecutionConfig } from '../onnx/execution';

export const EXECUTION_USAGE = '[--provider auto|cpu|cuda|webgpu] [--threads N]';

/**
 * Takes the global flags `--provider` and `--threads` (anywhere, `--flag value` or `--flag=value`) out of the
 * arguments; the CLI runs on `auto` and onnxruntime's default threads unless told otherwise.
 */
export function takeExecutionFlags(argv: string[]): { config: ExecutionConfig; rest: string[] } {
  const found: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--(provider|threads)(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      rest.push(argv[i]);
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    found[match[1]] = value;
  }
  const threads = found.threads === undefined ? 0 : Number(found.threads);
  return { config: parseExecutionConfig({ provider: found.provider ?? 'auto', threads }), rest };
}

/** A GPU provider that fails says so on stderr, so a JSON reader on stdout is not disturbed. */
export function printFallbacks(): void {
  onProviderFallback((message) => console.error(`cnn: ${message}`));
}
