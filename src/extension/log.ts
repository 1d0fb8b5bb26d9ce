import * as vscode from 'vscode';

/** The "CNN Studio" output channel; every part of the extension logs here. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('CNN Studio');

  line(text: string): void {
    this.channel.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
