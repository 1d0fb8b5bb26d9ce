import * as vscode from 'vscode';
import { JobCancelledError, runChildJob, runWorkerJob } from '../runtime/jobs/run-job';
import type { ExecutionConfig } from '../runtime/onnx/execution';

export { JobCancelledError };

export interface JobRunOptions {
  process?: 'worker' | 'child';
  /** Cancels the job as the notification's Cancel button does (a panel's own Cancel button). */
  signal?: AbortSignal;
  /** Progress for a panel that shows it too (the job's own messages, as it sent them). */
  onProgress?: (message: string, increment?: number) => void;
  /** What the notification shows for a progress message, for jobs that send structured events. */
  describeProgress?: (message: string, increment?: number) => { message: string; increment?: number };
}

/** Runs heavy work in a worker thread or child process (dist/workers/<name>.js) with progress and cancellation. */
export class JobControl implements vscode.Disposable {
  private readonly statusItem = vscode.window.createStatusBarItem('cnnStudio.jobs', vscode.StatusBarAlignment.Left, 10);
  private readonly running = new Set<string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (line: string) => void,
    /** The execution config (settings, accelerators, chosen provider) added to every job's input. */
    private readonly execution: () => Promise<ExecutionConfig>,
  ) {
    this.statusItem.name = vscode.l10n.t('CNN Studio jobs');
  }

  /**
   * Shows a cancellable notification while the job runs; cancelling terminates the worker (or kills the process)
   * and rejects with JobCancelledError.
   */
  run<T>(title: string, script: string, input: object, options: JobRunOptions = {}): Promise<T> {
    const scriptPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'workers', `${script}.js`).fsPath;
    const start = options.process === 'child' ? runChildJob : runWorkerJob;
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const subscription = token.onCancellationRequested(() => abort.abort());
          options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
          if (options.signal?.aborted) abort.abort();
          const started = Date.now();
          this.track(title, true);
          try {
            const value = await start<T>(scriptPath, { ...input, execution: await this.execution() }, {
              signal: abort.signal,
              onProgress: (message, increment) => {
                progress.report(options.describeProgress ? options.describeProgress(message, increment) : { message, increment });
                options.onProgress?.(message, increment);
              },
            });
            this.log(`${title}: done in ${Date.now() - started} ms`);
            return value;
          } catch (error) {
            this.log(`${title}: ${error instanceof JobCancelledError ? 'cancelled' : `failed: ${(error as Error).message}`}`);
            throw error;
          } finally {
            subscription.dispose();
            this.track(title, false);
          }
        },
      ),
    );
  }

  private track(title: string, running: boolean): void {
    if (running) this.running.add(title);
    else this.running.delete(title);
    if (this.running.size === 0) {
      this.statusItem.hide();
      return;
    }
    this.statusItem.text = `$(sync~spin) ${this.running.size === 1 ? vscode.l10n.t('CNN: {0}', [...this.running][0]) : vscode.l10n.t('CNN: {0} jobs', this.running.size)}`;
    this.statusItem.tooltip = [...this.running].join('\n');
    this.statusItem.show();
  }

  dispose(): void {
    this.statusItem.dispose();
  }
}
