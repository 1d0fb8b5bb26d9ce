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
      description: uri.fsPath === active ? vscode.l10n.t('{0} · open in the editor', vscode.workspace.asRelativePath(uri)) : vscode.workspace.asRelativePath(uri),
      file: uri.fsPath,
    }))
    .sort((a, b) => rank(a.file) - rank(b.file) || a.description.localeCompare(b.description));
  if (active && !items.some((item) => item.file === active)) {
    items.unshift({ label: path.basename(active), description: vscode.l10n.t('{0} · open in the editor', active), file: active });
  }
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Browse…')}` });
  const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: vscode.l10n.t('An ONNX model or a TensorFlow.js model.json') });
  if (!picked) return undefined;
  if (picked.file) return picked.file;
  return (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('ONNX or TensorFlow.js models')]: ['onnx', 'json'] }, title: options.title }))?.[0]?.fsPath;
}
