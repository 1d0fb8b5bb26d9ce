import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const OPEN_SAMPLE_WORKSPACE = 'cnn.openSampleWorkspace';
export const OPEN_SAMPLE_FILE = 'cnn.openSampleFile';

/**
 * The bundled sample models, images and code, copied once into the extension's storage: the copy is the user's to
 * change (settings files beside the models, edits), the extension's own files never are.
 */
function sampleCopy(context: vscode.ExtensionContext): string {
  const target = path.join(context.globalStorageUri.fsPath, 'sample-workspace');
  if (!fs.existsSync(target)) {
    const staging = `${target}.${process.pid}.tmp`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(path.join(context.extensionUri.fsPath, 'sample-workspace'), staging, { recursive: true });
    fs.renameSync(staging, target);
  }
  return target;
}

/** The walkthrough's commands: open the sample workspace, open one sample file (for the hover step). */
export function registerSampleCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_SAMPLE_WORKSPACE, async () => {
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(sampleCopy(context)), { forceNewWindow: vscode.workspace.workspaceFolders !== undefined });
    }),
    vscode.commands.registerCommand(OPEN_SAMPLE_FILE, async (name: unknown) => {
      const file = typeof name === 'string' ? name : 'cnn_pytorch.py';
      const inWorkspace = vscode.workspace.workspaceFolders?.map((folder) => path.join(folder.uri.fsPath, file)).find((candidate) => fs.existsSync(candidate));
      const target = inWorkspace ?? path.join(sampleCopy(context), file);
      if (!fs.existsSync(target)) throw new Error(vscode.l10n.t('CNN Studio has no sample file {0}.', file));
      await vscode.window.showTextDocument(vscode.Uri.file(target));
    }),
  );
}
