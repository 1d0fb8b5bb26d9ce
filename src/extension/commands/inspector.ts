import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelSummary } from '../../runtime/inspect/types';
import { ModelInspectorEditorProvider } from '../../webviews/inspector/editor-provider';
import { InspectorPanels } from '../../webviews/inspector/panels';
import { INSPECTOR_EDITOR_VIEW_TYPE } from '../../webviews/inspector/protocol';
import type { JobControl } from '../job-control';
import type { Log } from '../log';
import { activeModelUri, pickWorkspaceModel } from '../workspace-models';

export const OPEN_MODEL_INSPECTOR = 'cnn.openModelInspector';

function isOnnx(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('.onnx');
}

/** "CNN: Open Model Inspector", the *.onnx custom editor and the restorable model.json panels. */
export function registerInspectorCommands(context: vscode.ExtensionContext, jobs: JobControl, log: Log): void {
  const inspect = (file: string, dims: Record<string, number>) =>
    jobs.run<ModelSummary>(vscode.l10n.t('Inspecting {0}', path.basename(file)), 'inspect', { file, dims });
  const panels = new InspectorPanels(context.extensionUri, inspect, (line) => log.line(line));

  context.subscriptions.push(
    panels,
    ModelInspectorEditorProvider.register(context.extensionUri, inspect, (line) => log.line(line)),
    vscode.commands.registerCommand(OPEN_MODEL_INSPECTOR, async (target?: vscode.Uri) => {
      let uri = target instanceof vscode.Uri ? target : activeModelUri();
      if (!uri) {
        const picked = await pickWorkspaceModel({ title: vscode.l10n.t('Model to inspect') });
        uri = picked ? vscode.Uri.file(picked) : undefined;
      }
      if (!uri) return;
      if (isOnnx(uri)) await vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR_EDITOR_VIEW_TYPE);
      else panels.show(uri.fsPath);
    }),
  );
}
