import * as vscode from 'vscode';
import { formatRuntimeInfo, type RuntimeInfo } from '../../runtime/probe/report';
import { JobCancelledError, type JobControl } from '../job-control';
import type { Log } from '../log';
import { readRuntimeSettings } from '../settings';

export const SHOW_RUNTIME_INFO = 'cnn.showRuntimeInfo';

/** "CNN: Show Runtime Info": probes runtimes in a child process and writes the report to the output channel. */
export function registerRuntimeInfoCommand(context: vscode.ExtensionContext, jobs: JobControl, log: Log): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_RUNTIME_INFO, async (): Promise<RuntimeInfo | undefined> => {
      log.channel.show(true);
      log.line('Probing runtimes and accelerators...');
      try {
        const info = await jobs.run<RuntimeInfo>(vscode.l10n.t('Probing runtimes'), 'runtime-info', {}, { process: 'child' });
        const settings = readRuntimeSettings();
        log.channel.appendLine(
          formatRuntimeInfo(info, { 'cnnStudio.executionProvider': settings.executionProvider, 'cnnStudio.threads': settings.threads }),
        );
        return info;
      } catch (error) {
        if (!(error instanceof JobCancelledError)) void vscode.window.showErrorMessage(vscode.l10n.t('CNN: runtime probe failed: {0}', (error as Error).message));
        return undefined;
      }
    }),
  );
}
