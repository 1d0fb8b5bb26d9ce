import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExecutionConfig } from '../../runtime/onnx/execution';
import { SMALL_CNN_NAME } from '../../runtime/train/builtin-small-cnn';
import type { TrainToolRequest } from '../../runtime/workers/train-tools.worker';
import { TrainController } from '../../webviews/train/controller';
import { uniqueSibling } from '../../webviews/train/paths';
import { DEFAULT_SETTINGS, parseTrainPageState, TRAIN_VIEW_TYPE, type TrainSelection } from '../../webviews/train/protocol';
import { TrainRuns } from '../../webviews/train/runs';
import type { JobControl } from '../job-control';
import type { Log } from '../log';
import { sampleDigitsPerClass } from '../../runtime/train/sample-dataset';

export const TRAIN_MODEL = 'cnn.trainModel';
export const CREATE_SAMPLE_DATASET = 'cnn.createSampleDataset';

/** The sample dataset sizes offered, as quick pick items. */
function sampleSizes(): (vscode.QuickPickItem & { perClass: number })[] {
  const size = (perClass: number, description: string) => ({ label: vscode.l10n.t('{0} digits a class', perClass), description, perClass });
  return [
    size(20, vscode.l10n.t('200 images: a quick try')),
    size(50, vscode.l10n.t('500 images')),
    size(100, vscode.l10n.t('1,000 images: about 90% after a few epochs')),
    size(500, vscode.l10n.t('5,000 images')),
  ];
}

function isModel(uri: vscode.Uri): boolean {
  const name = uri.path.toLowerCase();
  return name.endsWith('.onnx') || name.endsWith('model.json');
}

/** "CNN: Train Model…" (palette, explorer, inspector) and "CNN: Create Sample Dataset". */
export function registerTrainCommands(context: vscode.ExtensionContext, jobs: JobControl, log: Log, execution: () => Promise<ExecutionConfig>): void {
  let controller: TrainController | undefined;

  const createSampleDataset = async (options: { dir?: string; perClass?: number } = {}): Promise<string | undefined> => {
    let dir = options.dir;
    if (!dir) {
      const [parent] = (await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Folder to write the sample digits in (a new subfolder mnist-digits)'), canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })) ?? [];
      if (!parent) return undefined;
      dir = uniqueSibling(path.join(parent.fsPath, 'mnist-digits'));
    }
    let perClass = options.perClass;
    const available = sampleDigitsPerClass();
    if (perClass === undefined) perClass = (await vscode.window.showQuickPick(sampleSizes().filter((size) => size.perClass <= available), { title: vscode.l10n.t('How many MNIST digits') }))?.perClass;
    if (perClass === undefined) return undefined;
    const request: TrainToolRequest = { action: 'sampleDataset', dir, perClass };
    const written = await jobs.run<{ dir: string; images: number }>(vscode.l10n.t('Writing sample digits'), 'train-tools', request);
    log.line(`Sample dataset: ${written.images} MNIST digits in ${written.dir}`);
    return written.dir;
  };

  const runs = new TrainRuns(context.extensionUri, jobs, execution, SMALL_CNN_NAME, () => createSampleDataset(), (line) => log.line(line));

  const attach = (panel: vscode.WebviewPanel, selection: TrainSelection, settings = DEFAULT_SETTINGS) => {
    const attached = new TrainController(panel, selection, settings, context.extensionUri, runs, (line) => log.line(line));
    controller = attached;
    panel.onDidDispose(() => { if (controller === attached) controller = undefined; });
    return attached;
  };

  const open = async (choice: { model?: string; data?: string }) => {
    const current = controller ?? attach(
      vscode.window.createWebviewPanel(TRAIN_VIEW_TYPE, vscode.l10n.t('Train Model'), vscode.ViewColumn.Active),
      { model: SMALL_CNN_NAME, data: null, out: null, watchImages: [] },
    );
    await current.show(choice);
  };

  context.subscriptions.push(
    runs,
    vscode.window.registerWebviewPanelSerializer(TRAIN_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        const restored = parseTrainPageState(state);
        if (controller) {
          panel.dispose();
          return;
        }
        const selection = restored?.selection ?? { model: SMALL_CNN_NAME, data: null, out: null, watchImages: [] };
        // What the page remembers is re-checked: only paths that still exist come back.
        const exists = (file: string | null) => file !== null && fs.existsSync(file);
        attach(panel, {
          model: selection.model === SMALL_CNN_NAME || exists(selection.model) ? selection.model : SMALL_CNN_NAME,
          data: exists(selection.data) ? selection.data : null,
          out: selection.out,
          watchImages: selection.watchImages.filter((file) => exists(file)),
        }, restored?.settings);
      },
    }),
    vscode.commands.registerCommand(TRAIN_MODEL, async (target?: vscode.Uri) => {
      const uri = target instanceof vscode.Uri && target.scheme === 'file' ? target : undefined;
      if (!uri) return open({});
      const isFolder = fs.existsSync(uri.fsPath) && fs.statSync(uri.fsPath).isDirectory();
      return open(isFolder ? { data: uri.fsPath } : isModel(uri) ? { model: uri.fsPath } : {});
    }),
    vscode.commands.registerCommand(CREATE_SAMPLE_DATASET, async (options?: { dir?: string; perClass?: number; open?: boolean }) => {
      try {
        const dir = await createSampleDataset(options ?? {});
        if (!dir) return undefined;
        if (options?.open !== false) {
          const train = vscode.l10n.t('Train on them');
          const choice = options?.dir ? train : await vscode.window.showInformationMessage(vscode.l10n.t('CNN: wrote MNIST digits to {0}.', dir), train);
          if (choice === train) await open({ data: dir });
        }
        return dir;
      } catch (error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('CNN: the sample dataset was not written: {0}', (error as Error).message));
        return undefined;
      }
    }),
  );
}
