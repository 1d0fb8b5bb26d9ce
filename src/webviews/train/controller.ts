import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JobCancelledError } from '../../runtime/jobs/run-job';
import type { ExplainResponse } from '../../runtime/preview/jobs';
import type { TrainConfig, TrainSummary } from '../../runtime/train/types';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import {
  parsePageMessage, type HostMessage, type InterruptedRun, type PageMessage, type Pick, type ResultAction, type TrainSelection, type TrainSettings,
} from './protocol';
import { defaultOutput, isInside, isTfjsModel, uniqueSibling } from './paths';
import type { TrainRuns } from './runs';
import { trainStrings } from './strings';

/** Images sent to the page for one confusion-matrix cell, and the largest file sent as it is. */
const CELL_IMAGES = 48;
const CELL_IMAGE_BYTES = 1 << 20;
const IMAGE_MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

function neverReplaces(file: string): string {
  return vscode.l10n.t('{0} exists; training writes a new file and never replaces one.', file);
}

/** Owns the Train panel: what the user picked, the form's settings, and the connection to the current run. */
export class TrainController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private unsubscribe: (() => void) | undefined;
  private interrupted: InterruptedRun | null = null;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private selection: TrainSelection,
    private settings: TrainSettings,
    extensionUri: vscode.Uri,
    private readonly runs: TrainRuns,
    private readonly log: (line: string) => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onPageMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'train', vscode.l10n.t('Train Model'), trainStrings(vscode.l10n));
    this.connect();
  }

  /** Shows the panel with a model and/or data folder chosen elsewhere (explorer, inspector, sample dataset). */
  async show(choice: { model?: string; data?: string }): Promise<void> {
    if (!this.runs.current || !this.runs.isActive()) {
      if (choice.model) this.selection = { ...this.selection, model: choice.model, out: null };
      if (choice.data) this.selection = { ...this.selection, data: choice.data, out: null };
      this.proposeOutput();
    }
    this.panel.reveal();
    await this.sendState();
  }

  /** Follows the current run's events (a page that reconnects gets its history with the state). */
  private connect(): void {
    this.unsubscribe?.();
    const job = this.runs.current;
    this.unsubscribe = job?.onEvent((event, status) => {
      void this.post({ type: 'event', jobId: job.id, event });
      void this.post({ type: 'status', jobId: job.id, status });
      // The output now exists: the next run gets a new one.
      if (event.type === 'finished') {
        this.proposeOutput();
        void this.sendState();
      }
    });
  }

  private async sendState(): Promise<void> {
    const job = this.runs.current;
    this.interrupted = job ? null : this.runs.interruptedRun(this.selection.out);
    await this.post({
      type: 'state', selection: this.selection, settings: this.settings,
      job: job ? { id: job.id, status: job.status, config: job.config, events: [...job.events] } : null,
      interrupted: this.interrupted,
    });
  }

  private async onPageMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) {
      this.log(`Train: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (!('requestId' in message)) {
      if (message.type === 'ready') await this.sendState();
      else this.settings = message.settings;
      return;
    }
    try {
      await this.handle(message);
      await this.post({ type: 'reply', requestId: message.requestId, ok: true });
    } catch (error) {
      const text = error instanceof JobCancelledError ? vscode.l10n.t('Cancelled.') : error instanceof Error ? error.message : String(error);
      this.log(`Train: ${message.type}: ${text}`);
      await this.post({ type: 'reply', requestId: message.requestId, ok: false, error: text });
    }
  }

  private async handle(message: Exclude<PageMessage, { type: 'ready' | 'settings' }>): Promise<void> {
    switch (message.type) {
      case 'pick':
        await this.pick(message.what);
        await this.sendState();
        return;
      case 'start':
        this.settings = message.settings;
        await this.startRun(this.configFor(message.settings));
        return;
      case 'continue': {
        if (!this.interrupted) throw new Error(vscode.l10n.t('There is no interrupted run to continue.'));
        const out = uniqueSibling(this.selection.out!);
        this.selection = { ...this.selection, out };
        await this.startRun({ ...this.configFor(this.settings), out, resume: this.interrupted.checkpoint });
        return;
      }
      case 'pause':
      case 'resume':
      case 'stop': {
        const job = this.runs.current;
        if (!job || job.id !== message.jobId) throw new Error(vscode.l10n.t('That run is no longer running.'));
        await job.send({ type: message.type });
        await this.post({ type: 'status', jobId: job.id, status: job.status });
        return;
      }
      case 'previewAugment': {
        const config = this.configFor(message.settings, { needsOutput: false });
        const preview = await this.runs.augmentationPreview(config);
        await this.post({ type: 'augmentPreview', requestId: message.requestId, png: preview.png });
        return;
      }
      case 'cellImages':
        await this.post({ type: 'cellImages', requestId: message.requestId, actual: message.actual, predicted: message.predicted, images: this.cellImages(message.actual, message.predicted) });
        return;
      case 'explainTopLoss': {
        const summary = this.summary();
        const entry = summary.topLosses[message.index];
        if (!entry) throw new Error(vscode.l10n.t('There is no top loss #{0}.', message.index + 1));
        const response: ExplainResponse = await this.runs.explain(summary.output, this.checkedDataFile(entry.file));
        await this.post({ type: 'explanation', requestId: message.requestId, index: message.index, picture: response.picture, cam: response.cam, label: response.label });
        return;
      }
      case 'openResult':
        await this.openResult(message.action);
        return;
    }
  }

  private async pick(what: Pick): Promise<void> {
    const here = this.selection.data ? vscode.Uri.file(path.dirname(this.selection.data)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    switch (what) {
      case 'builtin':
        this.selection = { ...this.selection, model: this.runs.builtinModel, out: null };
        break;
      case 'model': {
        const [uri] = (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Model to train'), canSelectMany: false, defaultUri: here, filters: { [vscode.l10n.t('ONNX or TensorFlow.js models')]: ['onnx', 'json'] } })) ?? [];
        if (!uri) return;
        this.selection = { ...this.selection, model: uri.fsPath, out: null };
        break;
      }
      case 'data': {
        const [uri] = (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Training data: a folder with one subfolder per class'), canSelectFiles: false, canSelectFolders: true, canSelectMany: false, defaultUri: here })) ?? [];
        if (!uri) return;
        this.selection = { ...this.selection, data: uri.fsPath, watchImages: [] };
        break;
      }
      case 'sampleDataset': {
        const written = await this.runs.createSampleDataset();
        if (!written) return;
        this.selection = { ...this.selection, data: written, watchImages: [] };
        break;
      }
      case 'out': {
        const suggested = this.selection.out ?? defaultOutput(this.selection, this.runs.builtinModel);
        const uri = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Trained model (a new file)'), defaultUri: suggested ? vscode.Uri.file(suggested) : here, filters: isTfjsModel(this.selection.model) ? { [vscode.l10n.t('TensorFlow.js model')]: ['json'] } : { [vscode.l10n.t('ONNX model')]: ['onnx'] } });
        if (!uri) return;
        if (fs.existsSync(uri.fsPath)) throw new Error(neverReplaces(uri.fsPath));
        this.selection = { ...this.selection, out: uri.fsPath };
        return;
      }
      case 'watchImages': {
        if (!this.selection.data) throw new Error(vscode.l10n.t('Choose the data folder first: watched images are validation images from it.'));
        const uris = (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Images whose Grad-CAM is drawn after every epoch'), canSelectMany: true, defaultUri: vscode.Uri.file(this.selection.data), filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] } })) ?? [];
        if (uris.length === 0) return;
        this.selection = { ...this.selection, watchImages: uris.map((uri) => this.checkedDataFile(uri.fsPath)).slice(0, 8) };
        return;
      }
    }
    this.proposeOutput();
  }

  private proposeOutput(): void {
    if (!this.selection.out || fs.existsSync(this.selection.out)) this.selection = { ...this.selection, out: defaultOutput(this.selection, this.runs.builtinModel) };
  }

  private configFor(settings: TrainSettings, options: { needsOutput?: boolean } = {}): TrainConfig {
    const { model, data, out, watchImages } = this.selection;
    if (!data) throw new Error(vscode.l10n.t('Choose the training data first (a folder with one subfolder per class, or images listed in a labels.csv).'));
    if (!fs.existsSync(data) || !fs.statSync(data).isDirectory()) throw new Error(vscode.l10n.t('The data folder {0} does not exist.', data));
    if (model !== this.runs.builtinModel && !fs.existsSync(model)) throw new Error(vscode.l10n.t('The model {0} does not exist.', model));
    if (options.needsOutput !== false) {
      if (!out) throw new Error(vscode.l10n.t('Choose where to write the trained model.'));
      if (fs.existsSync(out)) throw new Error(neverReplaces(out));
    }
    return { ...settings, model, data, out: out ?? '', ...(watchImages.length > 0 ? { watchImages } : {}) };
  }

  private async startRun(config: TrainConfig): Promise<void> {
    await this.runs.start(config);
    this.connect();
    await this.sendState();
  }

  private summary(): TrainSummary {
    const finished = this.runs.current?.events.find((event) => event.type === 'finished');
    if (!finished || finished.type !== 'finished') throw new Error(vscode.l10n.t('The run has no results yet.'));
    return finished.summary;
  }

  /** A file the page asks about must come from the data folder the user picked. */
  private checkedDataFile(file: string): string {
    const data = this.runs.current?.config.data ?? this.selection.data;
    if (!data || !isInside(data, file)) throw new Error(data ? vscode.l10n.t('{0} is not in the data folder {1}.', file, data) : vscode.l10n.t('{0} is not in the data folder (none chosen).', file));
    return file;
  }

  private cellImages(actual: number, predicted: number): { name: string; png: string }[] {
    const summary = this.summary();
    const files = (summary.validation ?? []).filter((entry) => entry.actual === actual && entry.predicted === predicted).map((entry) => entry.file);
    const images: { name: string; png: string }[] = [];
    for (const file of files.slice(0, CELL_IMAGES)) {
      const mime = IMAGE_MIME[path.extname(file).toLowerCase()];
      const checked = this.checkedDataFile(file);
      if (!mime || fs.statSync(checked).size > CELL_IMAGE_BYTES) continue;
      images.push({ name: path.basename(file), png: `data:${mime};base64,${fs.readFileSync(checked).toString('base64')}` });
    }
    return images;
  }

  private async openResult(action: ResultAction): Promise<void> {
    const output = this.summary().output;
    const uri = vscode.Uri.file(output);
    if (action === 'inspect') await vscode.commands.executeCommand('cnn.openModelInspector', uri);
    else if (action === 'preview') await vscode.commands.executeCommand('cnn.previewModelOutput', uri);
    else if ((await vscode.commands.getCommands(true)).includes('cnn.quantizeModel')) await vscode.commands.executeCommand('cnn.quantizeModel', uri);
    else throw new Error(vscode.l10n.t('Quantization (cnn.quantizeModel) is not available in this build of CNN Studio.'));
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while a job ran.
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}
