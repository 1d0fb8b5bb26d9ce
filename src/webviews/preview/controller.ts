import * as path from 'node:path';
import * as vscode from 'vscode';
import { METHODS, methodsForModel } from '../../runtime/explain/methods';
import { readModelJson } from '../../runtime/tfjs/inspect';
import { sidecarPath, writeFileAtomic, writeSettings } from '../../runtime/images/sidecar';
import type { Preprocessing } from '../../runtime/images/types';
import { JobCancelledError } from '../../runtime/jobs/run-job';
import type { PreviewRequest, PreviewResponse } from '../../runtime/preview/jobs';
import { ensureTrusted } from '../../extension/trust';
import { HOST_INITIATED, type RequestId } from '../shared/messages';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import { parsePageMessage, type HostMessage, type PageMessage } from './protocol';
import { previewStrings } from './strings';

/** Runs a preview request off the extension host's thread. */
export type RunPreview = (title: string, request: PreviewRequest) => Promise<PreviewResponse>;

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif'];

/** Owns the Preview and Explain panel: the chosen model and images, the preprocessing overrides, and the jobs. */
export class PreviewController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private overrides: Partial<Preprocessing> = {};
  private lastPredictions: Extract<HostMessage, { type: 'predictions' }> | undefined;
  /** Numbers prediction runs, so that only the newest one's results reach the page. */
  private predictRun = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private model: string | null,
    private images: string[],
    private readonly extensionUri: vscode.Uri,
    private readonly runPreview: RunPreview,
    private readonly pickModel: () => Promise<string | undefined>,
    private readonly log: (line: string) => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onPageMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'preview', vscode.l10n.t('Preview and Explain'), previewStrings(vscode.l10n));
  }

  /** Shows these images (and this model, when given), then predicts. */
  async show(model: string | null, images: string[]): Promise<void> {
    if (model) this.model = model;
    this.images = [...new Set([...this.images, ...images])];
    this.panel.reveal();
    await this.sendSetup(HOST_INITIATED);
    await this.predict(HOST_INITIATED);
  }

  private async sendSetup(requestId: RequestId): Promise<void> {
    const methods = methodsForModel(this.model, readModelJson).map(({ name, label }) => ({ name, label }));
    await this.post({ type: 'setup', requestId, model: this.model, images: this.images, methods });
  }

  private async onPageMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) {
      this.log(`Preview: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    // Page messages that name a file may only name one of this panel's images.
    if ((message.type === 'explain' || message.type === 'removeImage') && !this.images.includes(message.image)) {
      this.log(`Preview: ignored a ${message.type} request for an image the panel does not show: ${message.image}`);
      await this.post({ type: 'error', requestId: message.requestId, message: vscode.l10n.t("{0} is not one of this panel's images.", path.basename(message.image)) });
      return;
    }
    await this.handle(message);
  }

  private async handle(message: PageMessage): Promise<void> {
    const { requestId } = message;
    switch (message.type) {
      case 'ready':
        await this.sendSetup(requestId);
        if (this.lastPredictions) await this.post({ ...this.lastPredictions, requestId });
        else await this.predict(requestId);
        return;
      case 'pickModel': {
        const model = await this.pickModel();
        if (!model) return;
        this.model = model;
        this.overrides = {};
        await this.sendSetup(requestId);
        await this.predict(requestId);
        return;
      }
      case 'pickLabels':
        await this.pickLabels(requestId);
        return;
      case 'addImages': {
        const added = message.uris
          ? message.uris.map((uri) => vscode.Uri.parse(uri)).filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath)
          : ((await vscode.window.showOpenDialog({ canSelectMany: true, filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS }, title: vscode.l10n.t('Add images to preview') })) ?? []).map((uri) => uri.fsPath);
        const images = added.filter((file) => IMAGE_EXTENSIONS.includes(path.extname(file).slice(1).toLowerCase()));
        if (images.length === 0) return;
        this.images = [...new Set([...this.images, ...images])];
        await this.sendSetup(requestId);
        await this.predict(requestId);
        return;
      }
      case 'removeImage':
        this.images = this.images.filter((image) => image !== message.image);
        await this.sendSetup(requestId);
        await this.predict(requestId);
        return;
      case 'predict':
        await this.predict(requestId);
        return;
      case 'setPreprocessing':
        this.overrides = { ...this.overrides, ...message.preprocessing };
        if (message.remember && this.model && (await ensureTrusted(vscode.l10n.t('Remembering the preprocessing beside the model')))) {
          writeSettings(this.model, { preprocessing: this.overrides });
          this.log(`Preview: remembered the preprocessing of ${this.model} in ${path.basename(this.model)}.cnnstudio.json`);
        }
        await this.predict(requestId);
        return;
      case 'explain':
        await this.explain(message);
        return;
      case 'exportPng':
        await this.exportPng(message.name, message.dataUrl);
        return;
    }
  }

  private async run(requestId: RequestId, title: string, request: PreviewRequest, isStale = () => false): Promise<PreviewResponse | undefined> {
    await this.post({ type: 'busy', requestId, message: title });
    try {
      return await this.runPreview(title, request);
    } catch (error) {
      const message = error instanceof JobCancelledError ? vscode.l10n.t('Cancelled.') : error instanceof Error ? error.message : String(error);
      this.log(`Preview: ${title}: ${message}`);
      if (!isStale()) await this.post({ type: 'error', requestId, message });
      return undefined;
    }
  }

  private async predict(requestId: RequestId): Promise<void> {
    if (!this.model || this.images.length === 0) return;
    const run = ++this.predictRun;
    const isStale = () => run !== this.predictRun;
    const response = await this.run(requestId, vscode.l10n.t('Predicting with {0}', path.basename(this.model)), { action: 'predict', model: this.model, images: this.images, overrides: this.overrides }, isStale);
    // A newer run (another model, image set or preprocessing) has started: its results replace these.
    if (response?.action !== 'predict' || isStale()) return;
    this.lastPredictions = { type: 'predictions', requestId, response };
    await this.post(this.lastPredictions);
  }

  private async explain(message: Extract<PageMessage, { type: 'explain' }>): Promise<void> {
    if (!this.model) return;
    const label = METHODS[message.method]?.label ?? message.method;
    const response = await this.run(message.requestId, vscode.l10n.t('{0} on {1}', label, path.basename(message.image)), {
      action: 'explain', model: this.model, image: message.image, method: message.method, layer: message.layer, targetClass: message.targetClass, box: message.box, overrides: this.overrides,
    });
    if (response?.action === 'explain') await this.post({ type: 'explanation', requestId: message.requestId, response });
  }

  /** Lets the user choose the labels file for this model; it is remembered in the model's settings file. */
  private async pickLabels(requestId: RequestId): Promise<void> {
    if (!this.model || !(await ensureTrusted(vscode.l10n.t('Remembering a labels file beside the model')))) return;
    const [file] = (await vscode.window.showOpenDialog({
      canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(this.model)), filters: { [vscode.l10n.t('Labels (one a line)')]: ['txt', 'csv'] }, title: vscode.l10n.t('Labels file for {0}', path.basename(this.model)),
    })) ?? [];
    if (!file) return;
    writeSettings(this.model, { labels: path.relative(path.dirname(this.model), file.fsPath) });
    this.log(`Preview: remembered ${file.fsPath} as the labels of ${this.model} in ${path.basename(sidecarPath(this.model))}`);
    await this.predict(requestId);
  }

  private async exportPng(name: string, dataUrl: string): Promise<void> {
    const folder = this.model ? vscode.Uri.file(path.dirname(this.model)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name.replace(/[^\w.-]+/g, '_')}.png`) : undefined,
      filters: { [vscode.l10n.t('PNG image')]: ['png'] },
      title: vscode.l10n.t('Export overlay as PNG'),
    });
    if (!target) return;
    const bytes = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
    if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
    else await vscode.workspace.fs.writeFile(target, bytes);
    this.log(`Preview: exported ${target.fsPath}`);
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while a job ran.
    }
  }

  dispose(): void {
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}
