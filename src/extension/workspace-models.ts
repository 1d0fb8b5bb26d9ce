import * as path from 'node:path';
import * as vscode from 'vscode';

/** ONNX files, and TensorFlow.js model.json files (layers or graph models). */
export function isModelUri(uri: vscode.Uri): boolean {
  const name = uri.path.toLowerCase();
  return name.endsWith('.onnx') || name.endsWith('model.json');
}

/** The model in front of the user: the active inspector tab or text editor, when it shows a model file. */
export function activeModelUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const candidates = [
    input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined,
    vscode.window.activeTextEditor?.document.uri,
  ];
  return candidates.find((uri) => uri?.scheme === 'file' && isModelUri(uri));
}

/**
 * A quick pick of the workspace's models, with "Browse…" for any other file. The model open in the active editor
 * comes first (so it is preselected), then `recent`, then the rest by path.
 */
export async function pickWorkspaceModel(options: { title: string; recent?: string }): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles('**/{*.onnx,*model.json}', '**/node_modules/**', 200);
  const active = activeModelUri()?.fsPath;
  const rank = (file: string) => (file === active ? 0 : file === options.recent ? 1 : 2);
  const items: (vscode.QuickPickItem & { file?: string })[] = found
    .map((uri) => ({
      label: path.basename(uri.fsPath),
      description: `${vscode.workspace.asRelativePath(uri)}${uri.fsPath === active ? ' · open in the editor' : ''}`,
      file: uri.fsPath,
    }))
    .sort((a, b) => rank(a.file) - rank(b.file) || a.description.localeCompare(b.description));
  if (active && !items.some((item) => item.file === active)) {
    items.unshift({ label: path.basename(active), description: `${active} · open in the editor`, file: active });
  }
  items.push({ label: '$(folder-opened) Browse…' });
  const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: 'An ONNX model or a TensorFlow.js model.json' });
  if (!picked) return undefined;
  if (picked.file) return picked.file;
  return (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX or TensorFlow.js models': ['onnx', 'json'] }, title: options.title }))?.[0]?.fsPath;
}
