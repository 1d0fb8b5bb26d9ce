import * as vscode from 'vscode';
import type { KnowledgeEntry } from '../../runtime/knowledge';
import { knowledgeIndex } from '../../runtime/knowledge';
import { panelHtml, webviewOptions } from '../shared/webview-resources';
import { CONCEPT_PANEL_VIEW_TYPE, parsePageMessage, type HostMessage } from './protocol';
import { renderEntryHtml } from './render';

/** The one "Explain Concept" panel: shows an entry, follows links to related entries. */
export class ConceptPanel implements vscode.Disposable {
  private static current: ConceptPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private entry: KnowledgeEntry;

  /** Shows `entry` in the existing panel, or opens one beside the editor. */
  static show(extensionUri: vscode.Uri, entry: KnowledgeEntry, log: (line: string) => void): ConceptPanel {
    if (ConceptPanel.current) {
      ConceptPanel.current.display(entry);
      ConceptPanel.current.panel.reveal(undefined, true);
      return ConceptPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(CONCEPT_PANEL_VIEW_TYPE, entry.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    ConceptPanel.current = new ConceptPanel(panel, extensionUri, entry, log);
    return ConceptPanel.current;
  }

  /** The entry the open panel shows, if any. */
  static shownEntryId(): string | undefined {
    return ConceptPanel.current?.entry.id;
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, entry: KnowledgeEntry, private readonly log: (line: string) => void) {
    this.entry = entry;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onPageMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, extensionUri, 'concept', entry.title);
  }

  private display(entry: KnowledgeEntry): void {
    this.entry = entry;
    this.panel.title = entry.title;
    void this.post({ type: 'entry', id: entry.id, title: entry.title, html: renderEntryHtml(entry, knowledgeIndex()) });
  }

  private onPageMessage(raw: unknown): void {
    const message = parsePageMessage(raw);
    if (!message) {
      this.log(`Explain Concept: ignored an unexpected message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const entry = message.type === 'openEntry' ? knowledgeIndex().get(message.id) : this.entry;
    if (entry) this.display(entry);
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (ConceptPanel.current === this) ConceptPanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}
