import * as vscode from 'vscode';
import { createNonce, renderPageHtml } from './csp';

const CODICONS_DIR = ['node_modules', '@vscode/codicons', 'dist'];

/** Scripts on, and file access limited to the bundled pages, media/ and the codicon font. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, ...CODICONS_DIR),
    ],
  };
}

/** The page for dist/webviews/<panel>.js with media/<panel>.css, under a fresh nonce, with its strings table. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: string, title: string, strings?: Readonly<Record<string, string>>): string {
  const uri = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  return renderPageHtml({
    title,
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: uri('dist', 'webviews', `${panel}.js`),
    styleUris: [uri('media', 'webview.css'), uri('media', `${panel}.css`)],
    codiconsUri: uri(...CODICONS_DIR, 'codicon.css'),
    lang: vscode.env.language,
    strings,
  });
}
