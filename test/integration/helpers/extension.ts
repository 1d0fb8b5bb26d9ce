import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const extensionId = 'cnn-studio.cnn-studio';

/** CNN Studio as loaded by this VS Code, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded in this VS Code`);
  await extension.activate();
  return extension;
}

/** A file of the workspace the tests run in (sample-workspace/). */
export function workspaceFile(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (sample-workspace/)');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
