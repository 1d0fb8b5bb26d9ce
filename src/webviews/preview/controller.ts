import * as path from 'node:path';
import * as vscode from 'vscode';
import { methodsForModel } from '../../runtime/explain/methods';
import { readModelJson } from '../../runtime/tfjs/inspect';
import { writeFileAtomic, writeSettings } from '../../runtime/images/sidecar';
import type { Preprocessing } from '../../runtime/images/types';
import { JobCancelledError } from '../../runtime/jobs/run-job';
import type { PreviewRequest, PreviewResponse } from '../../runtime/predict/preview-jobs';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import { parsePageMessage, type HostMessage, type PageMessage } from './protocol';

/** Runs a preview request off the extension host's thread. */
export type RunPreview = (title: string, request: PreviewRequest) => Promise<PreviewResponse>;

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif'];

/** Owns the Preview and Explain panel: the chosen model and images, the preprocessing overrides, and the jobs. */
export class PreviewController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private overrides: Partial<Preprocessing> = {};
  private lastPredictions: HostMessage | undefined;

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
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'preview', 'Preview and Explain');
  }

  /** Shows these images (and this model, when given), then predicts. */
  async show(model: string | null, images: string[]): Promise<void> {
    if (model) this.model = model;
    this.images = [...new Set([...this.images, ...images])];
    this.panel.reveal();
    await this.sendSetup();
    await this.predict();
  }

  private async sendSetup(): Promise<void> {
    const methods = methodsForModel(this.model, readModelJson).map(({ name, label }) => ({ name, label }));
    await this.post({ type: 'setup', model: this.model, images: this.images, methods });
  }

  private async onPageMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) {
      this.log(`Preview: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    await this.handle(message);
  }

  private async handle(message: PageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.sendSetup();
        if (this.lastPredictions) await this.post(this.lastPredictions);
        else await this.predict();
        return;
      case 'pickModel': {
        const model = await this.pickModel();
        if (!model) return;
        this.model = model;
        this.overrides = {};
        await this.sendSetup();
        await this.predict();
        return;
      }
      case 'addImages': {
        const added = message.uris
          ? message.uris.map((uri) => vscode.Uri.parse(uri)).filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath)
          : ((await vscode.window.showOpenDialog({ canSelectMany: true, filters: { Images: IMAGE_EXTENSIONS }, title: 'Add images to preview' })) ?? []).map((uri) => uri.fsPath);
        const images = added.filter((file) => IMAGE_EXTENSIONS.includes(path.extname(file).slice(1).toLowerCase()));
        if (images.length > 0) await this.show(null, images);
        return;
      }
      case 'removeImage':
        this.images = this.images.filter((image) => image !== message.image);
        await this.sendSetup();
        await this.predict();
        return;
      case 'predict':
        await this.predict();
        return;
      case 'setPreprocessing':
        this.overrides = { ...this.overrides, ...message.preprocessing };
        if (message.remember && this.model) {
          writeSettings(this.model, { preprocessing: this.overrides });
          this.log(`Preview: remembered the preprocessing of ${this.model} in ${path.basename(this.model)}.cnnstudio.json`);
        }
        await this.predict();
        return;
      case 'explain':
        await this.explain(message);
        return;
      case 'exportPng':
        await this.exportPng(message.name, message.dataUrl);
        return;
    }
  }

  private async run(title: string, request: PreviewRequest): Promise<PreviewResponse | undefined> {
    await this.post({ type: 'busy', message: title });
    try {
      return await this.runPreview(title, request);
    } catch (error) {
      const message = error instanceof JobCancelledError ? 'Cancelled.' : error instanceof Error ? error.message : String(error);
      this.log(`Preview: ${title}: ${message}`);
      await this.post({ type: 'error', message });
      return undefined;
    }
  }

  private async predict(): Promise<void> {
    if (!this.model || this.images.length === 0) return;
    const response = await this.run(`Predicting with ${path.basename(this.model)}`, { action: 'predict', model: this.model, images: this.images, overrides: this.overrides });
    if (response?.action === 'predict') {
      this.lastPredictions = { type: 'predictions', response };
      await this.post(this.lastPredictions);
    }
  }

  private async explain(message: Extract<PageMessage, { type: 'explain' }>): Promise<void> {
    if (!this.model) return;
    const response = await this.run(`${message.method} on ${path.basename(message.image)}`, {
      action: 'explain', model: this.model, image: message.image, method: message.method, layer: message.layer, targetClass: message.targetClass, overrides: this.overrides,
    });
    if (response?.action === 'explain') await this.post({ type: 'explanation', response });
  }

  private async exportPng(name: string, dataUrl: string): Promise<void> {
    const folder = this.model ? vscode.Uri.file(path.dirname(this.model)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name.replace(/[^\w.-]+/g, '_')}.png`) : undefined,
      filters: { 'PNG image': ['png'] },
      title: 'Export overlay as PNG',
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
