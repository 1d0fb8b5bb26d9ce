import * as vscode from 'vscode';

/**
 * Whether an action that writes files or trains may run: only in a trusted workspace (package.json declares limited
 * support for untrusted ones, where models can still be inspected, previewed and explained). Otherwise says why and
 * offers VS Code's trust dialog.
 */
export async function ensureTrusted(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} needs a trusted workspace: it writes files.', action), manage);
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
