import * as path from 'node:path';
import * as vscode from 'vscode';

/** ONNX files, and TensorFlow.js model.json files (layers or graph models). */
export function isModelUri(uri: vscode.Uri): boolean {
  const name = uri.path.toLowerCase();
  return name.endsWith('.onnx') || name.endsWith('model.json');
}

/**
 * A quick pick of the workspace's .onnx and model.json files (with `first` on top, preselected), and "Browse…" for
 * one elsewhere. Returns the chosen file's path.
 */
export async function pickWorkspaceModel(title: string, first?: string): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles('**/{*.onnx,*model.json}', '**/node_modules/**', 200);
  const items: (vscode.QuickPickItem & { file?: string })[] = found
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), file: uri.fsPath }))
    .sort((a, b) => Number(b.file === first) - Number(a.file === first) || a.description.localeCompare(b.description));
  items.push({ label: '$(folder-opened) Browse…' });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'An ONNX model or a TensorFlow.js model.json' });
  if (!picked || picked.file) return picked?.file;
  return (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Models: ['onnx', 'json'] }, title }))?.[0]?.fsPath;
}
