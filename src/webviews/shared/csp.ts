import { randomBytes } from 'node:crypto';

/** A fresh nonce per rendered page: 128 random bits, base64 (CSP allows base64 nonces). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface CspSources {
  /** webview.cspSource: the origin of files served through asWebviewUri. */
  cspSource: string;
  nonce: string;
}

/**
 * A strict Content-Security-Policy for a webview page: nothing by default, scripts only with the nonce, styles
 * and fonts only from the extension's own files (or with the nonce), images from the extension or data: URIs.
 */
export function buildCsp({ cspSource, nonce }: CspSources): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error('a CSP nonce must be base64');
  // cspSource may list several sources (code-server gives "'self' https://*.vscode-cdn.net"); it must not end the directive.
  if (/[;,\r\n]/.test(cspSource)) throw new Error(`unsafe CSP source: ${cspSource}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface PageHtmlOptions extends CspSources {
  title: string;
  scriptUri: string;
  styleUris: string[];
  /** codicon.css; vscode-elements' <vscode-icon> finds it by the id vscode-codicon-stylesheet. */
  codiconsUri: string;
  /** VS Code's display language (vscode.env.language). */
  lang?: string;
  /** The page's text, translated on the host (see shared/strings.ts); rendered into #app's data-strings. */
  strings?: Readonly<Record<string, string>>;
}

/** The HTML shell every panel uses: CSP, styles, codicons, the page's strings and one nonce'd script. */
export function renderPageHtml(options: PageHtmlOptions): string {
  const { nonce } = options;
  const attribute = escapeAttribute;
  const styles = options.styleUris.map((uri) => `  <link rel="stylesheet" nonce="${nonce}" href="${attribute(uri)}">`);
  return [
    '<!DOCTYPE html>',
    `<html lang="${attribute(options.lang ?? 'en')}">`,
    '<head>',
    '  <meta charset="UTF-8">',
    `  <meta http-equiv="Content-Security-Policy" content="${attribute(buildCsp(options))}">`,
    '  <meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `  <link rel="stylesheet" nonce="${nonce}" href="${attribute(options.codiconsUri)}" id="vscode-codicon-stylesheet">`,
    ...styles,
    `  <title>${attribute(options.title)}</title>`,
    '</head>',
    '<body>',
    options.strings ? `  <div id="app" data-strings="${attribute(JSON.stringify(options.strings))}"></div>` : '  <div id="app"></div>',
    `  <script nonce="${nonce}" src="${attribute(options.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
