import * as vscode from 'vscode';
import { registerInspectorCommands } from './commands/inspector';
import { registerRuntimeInfoCommand } from './commands/runtime-info';
import { JobControl } from './job-control';
import { Log } from './log';

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const jobs = new JobControl(context.extensionUri, (line) => log.line(line));
  context.subscriptions.push(log, jobs);
  registerInspectorCommands(context, jobs, log);
  registerRuntimeInfoCommand(context, jobs, log);
}

export function deactivate(): void {}
