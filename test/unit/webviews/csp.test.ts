import * as assert from 'node:assert/strict';
import { buildCsp, createNonce, renderPageHtml } from '../../../src/webviews/shared/csp';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('webview CSP and page shell', () => {
  it('makes a fresh 128-bit base64 nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
  });

  it('allows nothing by default, scripts only by nonce, styles/fonts/images only from the extension', () => {
    const policy = directives(buildCsp({ cspSource, nonce: 'abc123==' }));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'nonce-abc123=='"]);
    assert.deepEqual(policy.get('style-src'), [cspSource, "'nonce-abc123=='"]);
    assert.deepEqual(policy.get('img-src'), [cspSource, 'data:']);
    assert.deepEqual(policy.get('font-src'), [cspSource]);
    for (const values of policy.values()) {
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'") && !values.includes('*'));
    }
  });

  it('accepts a cspSource that lists several sources, as VS Code in the browser gives', () => {
    const policy = directives(buildCsp({ cspSource: "'self' https://*.vscode-cdn.net", nonce: 'abc' }));
    assert.deepEqual(policy.get('font-src'), ["'self'", 'https://*.vscode-cdn.net']);
    assert.deepEqual(policy.get('style-src'), ["'self'", 'https://*.vscode-cdn.net', "'nonce-abc'"]);
  });

  it('refuses nonces and sources that could break out of the policy', () => {
    assert.throws(() => buildCsp({ cspSource, nonce: "x'; script-src *" }));
    assert.throws(() => buildCsp({ cspSource: "https://a; script-src 'unsafe-inline'", nonce: 'abc' }));
    assert.throws(() => buildCsp({ cspSource: 'https://a\nscript-src *', nonce: 'abc' }));
  });

  it('puts the nonce on every script and stylesheet and escapes URIs and the title', () => {
    const nonce = createNonce();
    const html = renderPageHtml({
      cspSource,
      nonce,
      title: 'a <b> & "c"',
      scriptUri: `${cspSource}/dist/webviews/inspector.js`,
      styleUris: [`${cspSource}/media/webview.css?x="1"`],
      codiconsUri: `${cspSource}/codicon.css`,
    });
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    const links = [...html.matchAll(/<link\b[^>]*>/g)].map((match) => match[0]);
    assert.equal(scripts.length, 1);
    assert.equal(links.length, 2);
    for (const tag of [...scripts, ...links]) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.match(html, /id="vscode-codicon-stylesheet"/);
    assert.match(html, /<title>a &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
    assert.match(html, /webview\.css\?x=&quot;1&quot;/);
    assert.match(html, new RegExp(`content="default-src 'none'; script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
  });
});
