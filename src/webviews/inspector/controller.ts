import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelSummary } from '../../runtime/inspect/types';
import { JobCancelledError } from '../../runtime/jobs/run-job';
import { HOST_INITIATED, type RequestId } from '../shared/messages';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import { QUANTIZE_MODEL_COMMAND } from '../quantize/protocol';
import { parsePageMessage, type DimBindings, type HostMessage } from './protocol';
import { inspectorStrings } from './strings';

/** Summarizes a model file off the extension host's thread, with symbolic input dims bound; rejects with a readable message. */
export type InspectModel = (file: string, dims: DimBindings) => Promise<ModelSummary>;

/** Owns one inspector WebviewPanel (custom editor or command panel): renders the page and answers its messages. */
export class InspectorController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The last answer, replayed when the page reloads (after being hidden) instead of inspecting again. */
  private lastMessage: HostMessage | undefined;
  private inspection = 0;
  /** The values the page bound symbolic input dims to; every inspection uses them. */
  private dims: DimBindings = {};

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly file: string,
    private readonly extensionUri: vscode.Uri,
    private readonly inspect: InspectModel,
    private readonly log: (line: string) => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'inspector.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onPageMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'inspector', vscode.l10n.t('Inspect {0}', path.basename(file)), inspectorStrings(vscode.l10n));
  }

  private onPageMessage(raw: unknown): void {
    const message = parsePageMessage(raw);
    if (!message) {
      this.log(`Inspector: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (message.type === 'quantize') {
      void vscode.commands.executeCommand(QUANTIZE_MODEL_COMMAND, vscode.Uri.file(this.file));
    } else if (message.type === 'train') {
      void vscode.commands.executeCommand('cnn.trainModel', vscode.Uri.file(this.file));
    } else if (message.type === 'ready' && this.lastMessage && this.lastMessage.type !== 'loading') {
      void this.post({ ...this.lastMessage, requestId: message.requestId });
    } else {
      if (message.type === 'bindDims') this.dims = message.dims;
      void this.reinspect(message.requestId);
    }
  }

  /** Inspects the file again (page ready, reload button, file changed on disk: then HOST_INITIATED). */
  async reinspect(requestId: RequestId = HOST_INITIATED): Promise<void> {
    const inspection = ++this.inspection;
    await this.post({ type: 'loading', requestId, file: this.file });
    let answer: HostMessage;
    const dims = this.dims;
    try {
      answer = { type: 'summary', requestId, summary: await this.inspect(this.file, dims), dims };
    } catch (error) {
      const message =
        error instanceof JobCancelledError ? vscode.l10n.t('The inspection was cancelled.') : error instanceof Error ? error.message : String(error);
      this.log(`Inspector: ${this.file}: ${message}`);
      answer = { type: 'error', requestId, file: this.file, message };
    }
    if (inspection !== this.inspection) return;
    await this.post(answer);
  }

  private async post(message: HostMessage): Promise<void> {
    this.lastMessage = message;
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while the model was being inspected.
    }
  }

  dispose(): void {
    this.inspection++;
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}
