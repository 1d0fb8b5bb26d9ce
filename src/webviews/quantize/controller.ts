import * as path from 'node:path';
import * as vscode from 'vscode';
import { JobCancelledError } from '../../runtime/jobs/run-job';
import { listImageFolder } from '../../runtime/quantize/image-folder';
import type { QuantizeConfig, QuantizeReport } from '../../runtime/quantize/types';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import { parsePageMessage, type FolderChoice, type HostMessage, type ModelInfo, type OpenTarget, type PageMessage } from './protocol';
import { quantizeStrings } from './strings';

export interface QuantizeJobOptions {
  signal: AbortSignal;
  /** The worker's progress: what it is doing and, for counted steps, how far in percent. */
  onProgress: (message: string, percent: number | null) => void;
}

/** What the panel needs from the extension: jobs off the host's thread and the workspace's files. */
export interface QuantizeServices {
  extensionUri: vscode.Uri;
  /** Runs a quantization in the quantize worker; rejects with JobCancelledError when the signal aborts. */
  quantize(config: QuantizeConfig, options: QuantizeJobOptions): Promise<QuantizeReport>;
  /** The model's input and the preprocessing the Preview panel would use for it. */
  readModel(model: string): Promise<ModelInfo>;
  /** Image folders of the workspace, offered as calibration and evaluation sets. */
  findImageFolders(): Promise<FolderChoice[]>;
  pickModel(): Promise<string | undefined>;
  log(line: string): void;
}

const OPEN_COMMANDS: Record<OpenTarget, string> = {
  inspector: 'cnn.openModelInspector',
  preview: 'cnn.previewModelOutput',
  explorer: 'revealInExplorer',
};

/** Owns the Quantize panel: the model, the folders the page may use, and the one quantization running at a time. */
export class QuantizeController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Folders the host offered or the user picked: the only ones a quantize request may name. */
  private readonly allowedFolders = new Set<string>();
  private running: { requestId: number; abort: AbortController } | undefined;
  private output: string | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private model: string | null,
    private readonly services: QuantizeServices,
    /** The result of a run before a window reload, when the file is still there. */
    restoredOutput?: string,
  ) {
    this.output = restoredOutput;
    panel.webview.options = webviewOptions(services.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onPageMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, services.extensionUri, 'quantize', vscode.l10n.t('Quantize Model'), quantizeStrings(vscode.l10n));
  }

  /** Shows the panel on this model (a run in progress on another model goes on). */
  async show(model: string): Promise<void> {
    this.panel.reveal();
    if (model === this.model) return;
    this.model = model;
    this.output = undefined;
    await this.sendSetup();
  }

  get currentModel(): string | null {
    return this.model;
  }

  private async sendSetup(): Promise<void> {
    this.panel.title = this.model ? vscode.l10n.t('Quantize {0}', path.basename(this.model)) : vscode.l10n.t('Quantize Model');
    const folders = await this.services.findImageFolders();
    for (const choice of folders) this.allowedFolders.add(choice.folder);
    if (!this.model) {
      await this.post({ type: 'setup', model: null, folders });
      return;
    }
    const model = this.model;
    let info: ModelInfo;
    try {
      info = await this.services.readModel(model);
    } catch (error) {
      const message = error instanceof JobCancelledError ? vscode.l10n.t('Reading the model was cancelled.') : (error as Error).message;
      this.services.log(`Quantize: ${model}: ${message}`);
      await this.post({ type: 'error', requestId: null, message: `${path.basename(model)}: ${message}` });
      info = { file: model, format: model.toLowerCase().endsWith('.json') ? 'tfjs' : 'onnx', preprocessing: null, input: null };
    }
    if (model === this.model) await this.post({ type: 'setup', model: info, folders });
  }

  /** Every message from the page is validated first; anything else is logged and dropped. */
  private async onPageMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    switch (message?.type) {
      case undefined:
        this.services.log(`Quantize: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
        return;
      case 'ready':
        await this.sendSetup();
        return;
      case 'pickModel': {
        const model = await this.services.pickModel();
        if (model) await this.show(model);
        return;
      }
      case 'pickFolder': {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
          defaultUri: this.model ? vscode.Uri.file(path.dirname(this.model)) : undefined,
          title: message.purpose === 'calibration' ? vscode.l10n.t('Calibration images (a folder, flat or one subfolder per class)') : vscode.l10n.t('Evaluation images (one subfolder per class gives accuracy)'),
        });
        const folder = picked?.[0]?.scheme === 'file' ? picked[0].fsPath : undefined;
        if (!folder) return;
        let choice: FolderChoice;
        try {
          const listed = listImageFolder(folder);
          choice = { folder, images: listed.images.length, classes: listed.classes.length };
        } catch (error) {
          await this.post({ type: 'error', requestId: message.requestId, message: (error as Error).message });
          return;
        }
        this.allowedFolders.add(folder);
        await this.post({ type: 'folderPicked', requestId: message.requestId, purpose: message.purpose, choice });
        return;
      }
      case 'quantize':
        await this.quantize(message);
        return;
      case 'cancel':
        if (this.running?.requestId === message.requestId) this.running.abort.abort();
        return;
      case 'open':
        if (this.output) await vscode.commands.executeCommand(OPEN_COMMANDS[message.target], vscode.Uri.file(this.output));
        return;
    }
  }

  private async quantize({ requestId, settings }: Extract<PageMessage, { type: 'quantize' }>): Promise<void> {
    const model = this.model;
    if (!model) {
      await this.post({ type: 'error', requestId, message: vscode.l10n.t('Choose a model to quantize first.') });
      return;
    }
    if (this.running) {
      await this.post({ type: 'error', requestId, message: vscode.l10n.t('A quantization is already running in this panel; cancel it first.') });
      return;
    }
    const unknownFolder = [settings.calibration, settings.evaluation].find((folder) => folder !== undefined && !this.allowedFolders.has(folder));
    if (unknownFolder) {
      this.services.log(`Quantize: refused a folder the panel did not offer: ${unknownFolder}`);
      await this.post({ type: 'error', requestId, message: vscode.l10n.t('Choose the folder with the folder picker: {0}', unknownFolder) });
      return;
    }
    const abort = new AbortController();
    this.running = { requestId, abort };
    const onProgress = (text: string, percent: number | null) => void this.post({ type: 'progress', requestId, message: text, percent });
    await this.post({ type: 'progress', requestId, message: vscode.l10n.t('Quantizing {0}', path.basename(model)), percent: null });
    try {
      const report = await this.services.quantize({ ...settings, model }, { signal: abort.signal, onProgress });
      if (model === this.model) this.output = report.output;
      this.services.log(`Quantize: wrote ${report.output}`);
      await this.post({ type: 'report', requestId, settings, report });
    } catch (error) {
      if (error instanceof JobCancelledError) {
        await this.post({ type: 'cancelled', requestId });
      } else {
        const text = error instanceof Error ? error.message : String(error);
        this.services.log(`Quantize: ${model}: ${text}`);
        await this.post({ type: 'error', requestId, message: text });
      }
    } finally {
      this.running = undefined;
    }
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while a job ran.
    }
  }

  dispose(): void {
    this.running?.abort.abort();
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}
