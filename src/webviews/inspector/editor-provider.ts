import * as vscode from 'vscode';
import { InspectorController, type InspectModel } from './controller';
import { INSPECTOR_EDITOR_VIEW_TYPE } from './protocol';

/** Opens *.onnx files read-only in the inspector; VS Code restores these editors itself after a reload. */
export class ModelInspectorEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static register(extensionUri: vscode.Uri, inspect: InspectModel, log: (line: string) => void): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(
      INSPECTOR_EDITOR_VIEW_TYPE,
      new ModelInspectorEditorProvider(extensionUri, inspect, log),
      { supportsMultipleEditorsPerDocument: true },
    );
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly inspect: InspectModel,
    private readonly log: (line: string) => void,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const controller = new InspectorController(panel, document.uri.fsPath, this.extensionUri, this.inspect, this.log);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), document.uri.path.split('/').pop()!),
    );
    watcher.onDidChange(() => void controller.reinspect());
    panel.onDidDispose(() => watcher.dispose());
  }
}
