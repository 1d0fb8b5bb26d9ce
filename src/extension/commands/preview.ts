import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PreviewRequest, PreviewResponse } from '../../runtime/preview/jobs';
import { IMAGE_EXTENSIONS, PreviewController } from '../../webviews/preview/controller';
import { parsePreviewPageState, PREVIEW_VIEW_TYPE } from '../../webviews/preview/protocol';
import type { JobControl } from '../job-control';
import type { Log } from '../log';
import { isModelUri, pickWorkspaceModel } from '../workspace-models';

export const PREVIEW_MODEL_OUTPUT = 'cnn.previewModelOutput';
const LAST_MODEL_KEY = 'cnnStudio.preview.lastModel';

function isImage(uri: vscode.Uri): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(uri.path).slice(1).toLowerCase());
}


/** "CNN: Preview Model Output": from the explorer (images and/or a model selected) or the palette. */
export function registerPreviewCommand(context: vscode.ExtensionContext, jobs: JobControl, log: Log): void {
  let controller: PreviewController | undefined;
  const runPreview = (title: string, request: PreviewRequest) => jobs.run<PreviewResponse>(title, 'preview', request);

  const pickModel = async (): Promise<string | undefined> => {
    const file = await pickWorkspaceModel({ title: vscode.l10n.t('Model to preview'), recent: context.workspaceState.get<string>(LAST_MODEL_KEY) });
    if (file) await context.workspaceState.update(LAST_MODEL_KEY, file);
    return file;
  };

  const pickImages = async (): Promise<string[]> => {
    const title = vscode.l10n.t('Images to preview');
    const found = await vscode.workspace.findFiles(`**/*.{${IMAGE_EXTENSIONS.join(',')}}`, '**/node_modules/**', 500);
    const items: (vscode.QuickPickItem & { file?: string })[] = found
      .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), file: uri.fsPath }))
      .sort((a, b) => a.description.localeCompare(b.description));
    if (items.length === 0) {
      return ((await vscode.window.showOpenDialog({ canSelectMany: true, filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS }, title })) ?? []).map((uri) => uri.fsPath);
    }
    const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true, placeHolder: vscode.l10n.t('Images from the workspace') });
    return (picked ?? []).flatMap((item) => (item.file ? [item.file] : []));
  };

  const attach = (panel: vscode.WebviewPanel, model: string | null, images: string[]) => {
    const attached = new PreviewController(panel, model, images, context.extensionUri, runPreview, pickModel, (line) => log.line(line));
    controller = attached;
    panel.onDidDispose(() => { if (controller === attached) controller = undefined; });
  };

  const open = (model: string | null, images: string[]) => {
    if (!controller) {
      attach(vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, vscode.l10n.t('Preview and Explain'), vscode.ViewColumn.Beside), model, images);
      return;
    }
    void controller.show(model, images);
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        const restored = parsePreviewPageState(state);
        if (!restored || controller) {
          panel.dispose();
          return;
        }
        attach(panel, restored.model, restored.images);
      },
    }),
    vscode.commands.registerCommand(PREVIEW_MODEL_OUTPUT, async (target?: vscode.Uri, selected?: vscode.Uri[]) => {
      const uris = (selected && selected.length > 0 ? selected : target instanceof vscode.Uri ? [target] : []).filter((uri) => uri.scheme === 'file');
      let model = uris.find(isModelUri)?.fsPath ?? null;
      let images = uris.filter(isImage).map((uri) => uri.fsPath);
      if (!model && !controller) model = (await pickModel()) ?? null;
      if (!model && !controller) return;
      if (images.length === 0 && !controller) images = await pickImages();
      if (model) await context.workspaceState.update(LAST_MODEL_KEY, model);
      open(model, images);
    }),
  );
}
