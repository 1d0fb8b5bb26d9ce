import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PreviewRequest, PreviewResponse } from '../../runtime/preview/jobs';
import type { QuantizeConfig, QuantizeReport } from '../../runtime/quantize/types';
import { QuantizeController, type QuantizeServices } from '../../webviews/quantize/controller';
import { imageFolderChoices } from '../../webviews/quantize/folders';
import { describeQuantizeProgress } from '../../webviews/quantize/progress';
import { parseQuantizePageState, QUANTIZE_MODEL_COMMAND, QUANTIZE_VIEW_TYPE, type ModelInfo } from '../../webviews/quantize/protocol';
import type { JobControl } from '../job-control';
import type { Log } from '../log';
import { isModelUri, pickWorkspaceModel } from '../workspace-models';
import { readRuntimeSettings } from '../settings';

/** "CNN: Quantize Model…": from the palette, the explorer's context menu on a model, or the inspector's button. */
export function registerQuantizeCommand(context: vscode.ExtensionContext, jobs: JobControl, log: Log): void {
  let controller: QuantizeController | undefined;

  const services: QuantizeServices = {
    extensionUri: context.extensionUri,
    quantize: (config: QuantizeConfig, { signal, onProgress }) =>
      jobs.run<QuantizeReport>(vscode.l10n.t('Quantizing {0}', path.basename(config.model)), 'quantize', { ...config, threads: readRuntimeSettings().threads || undefined }, {
        process: 'child',
        signal,
        onProgress: (raw) => {
          const { message, percent } = describeQuantizeProgress(raw);
          onProgress(message, percent);
        },
        describeProgress: (raw) => ({ message: describeQuantizeProgress(raw).message }),
      }),
    async readModel(model): Promise<ModelInfo> {
      // The Preview panel's worker resolves the preprocessing (guess from the input, then the sidecar file) without images.
      const request: PreviewRequest = { action: 'predict', model, images: [] };
      const response = await jobs.run<PreviewResponse>(vscode.l10n.t('Reading {0}', path.basename(model)), 'preview', request);
      if (response.action !== 'predict') throw new Error(vscode.l10n.t('The preview worker answered with an explanation.'));
      return {
        file: model,
        format: model.toLowerCase().endsWith('.json') ? 'tfjs' : 'onnx',
        preprocessing: response.preprocessing,
        input: { name: response.input.name, dims: response.input.dims },
      };
    },
    async findImageFolders() {
      const found = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp,gif,tif,tiff,avif}', '**/node_modules/**', 5000);
      return imageFolderChoices(found.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath)).slice(0, 50);
    },
    pickModel: () => pickWorkspaceModel({ title: vscode.l10n.t('Model to quantize') }),
    log: (line) => log.line(line),
  };

  const attach = (panel: vscode.WebviewPanel, model: string | null, restoredOutput?: string) => {
    const attached = new QuantizeController(panel, model, services, restoredOutput);
    controller = attached;
    panel.onDidDispose(() => { if (controller === attached) controller = undefined; });
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(QUANTIZE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        const restored = parseQuantizePageState(state);
        if (!restored || controller || !fs.existsSync(restored.model)) {
          panel.dispose();
          return;
        }
        // Only a result written beside the model, and still there, can be opened from the restored report.
        const output = restored.report?.output;
        const beside = (file: string) => path.dirname(file) === path.dirname(restored.model) || path.dirname(path.dirname(file)) === path.dirname(path.dirname(restored.model));
        const validOutput = output && beside(path.resolve(output)) && fs.existsSync(output) ? output : undefined;
        attach(panel, restored.model, validOutput);
      },
    }),
    vscode.commands.registerCommand(QUANTIZE_MODEL_COMMAND, async (target?: vscode.Uri) => {
      const model = target instanceof vscode.Uri && target.scheme === 'file' && isModelUri(target)
        ? target.fsPath
        : await services.pickModel();
      if (!model) return undefined;
      if (controller) await controller.show(model);
      else attach(vscode.window.createWebviewPanel(QUANTIZE_VIEW_TYPE, vscode.l10n.t('Quantize {0}', path.basename(model)), vscode.ViewColumn.Beside), model);
      return model;
    }),
  );
}
