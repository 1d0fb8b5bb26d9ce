import * as vscode from 'vscode';
import { registerInspectorCommands } from './commands/inspector';
import { registerKnowledgeCommands } from './commands/knowledge';
import { registerPreviewCommand } from './commands/preview';
import { registerQuantizeCommand } from './commands/quantize';
import { registerRuntimeInfoCommand } from './commands/runtime-info';
import { registerSampleCommands } from './commands/samples';
import { JobControl } from './job-control';
import { Log } from './log';

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const jobs = new JobControl(context.extensionUri, (line) => log.line(line));
  context.subscriptions.push(log, jobs);
  registerInspectorCommands(context, jobs, log);
  registerRuntimeInfoCommand(context, jobs, log);
  registerPreviewCommand(context, jobs, log);
  registerQuantizeCommand(context, jobs, log);
  registerKnowledgeCommands(context, (line) => log.line(line));
  registerSampleCommands(context);
}

export function deactivate(): void {}
