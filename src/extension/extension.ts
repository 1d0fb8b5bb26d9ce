import * as vscode from 'vscode';
import { registerGpuSetupCommand } from './commands/gpu-setup';
import { registerInspectorCommands } from './commands/inspector';
import { registerKnowledgeCommands } from './commands/knowledge';
import { registerPreviewCommand } from './commands/preview';
import { registerQuantizeCommand } from './commands/quantize';
import { registerRuntimeInfoCommand } from './commands/runtime-info';
import { registerSampleCommands } from './commands/samples';
import { registerTrainCommands } from './commands/train';
import { JobControl } from './job-control';
import { Log } from './log';
import { executionForJobs, watchSettings } from './settings';

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const acceleratorDir = vscode.Uri.joinPath(context.globalStorageUri, 'accelerators').fsPath;
  const execution = () => executionForJobs(acceleratorDir, (line) => log.line(line));
  const jobs = new JobControl(context.extensionUri, (line) => log.line(line), execution);
  context.subscriptions.push(log, jobs);
  watchSettings(context, (line) => log.line(line));
  registerInspectorCommands(context, jobs, log);
  registerRuntimeInfoCommand(context, jobs, log);
  registerGpuSetupCommand(context, jobs, log, acceleratorDir);
  registerTrainCommands(context, jobs, log, execution);
  registerPreviewCommand(context, jobs, log);
  registerQuantizeCommand(context, jobs, log);
  registerKnowledgeCommands(context, (line) => log.line(line));
  registerSampleCommands(context);
}

export function deactivate(): void {}
