import * as path from 'node:path';
import * as vscode from 'vscode';
import { InspectorController, type InspectModel } from './controller';
import { INSPECTOR_PANEL_VIEW_TYPE, parsePageState } from './protocol';

/** Inspector panels opened by command (TensorFlow.js model.json files), one per file, restored after reloads. */
export class InspectorPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly open = new Map<string, InspectorController>();
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly inspect: InspectModel,
    private readonly log: (line: string) => void,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(INSPECTOR_PANEL_VIEW_TYPE, this);
  }

  show(file: string): void {
    const existing = this.open.get(file);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(INSPECTOR_PANEL_VIEW_TYPE, this.title(file), vscode.ViewColumn.Active);
    this.attach(panel, file);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = parsePageState(state);
    if (!restored) {
      panel.dispose();
      return;
    }
    panel.title = this.title(restored.file);
    this.attach(panel, restored.file);
  }

  private title(file: string): string {
    return `${path.basename(path.dirname(file))}/${path.basename(file)}`;
  }

  private attach(panel: vscode.WebviewPanel, file: string): void {
    const controller = new InspectorController(panel, file, this.extensionUri, this.inspect, this.log);
    this.open.set(file, controller);
    panel.onDidDispose(() => this.open.delete(file));
  }

  dispose(): void {
    this.registration.dispose();
    for (const controller of this.open.values()) controller.panel.dispose();
  }
}
