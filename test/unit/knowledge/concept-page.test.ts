import * as assert from 'node:assert/strict';
import { knowledgeIndex, KnowledgeIndex, type KnowledgeEntry } from '../../../src/runtime/knowledge';
import { renderEntryHtml } from '../../../src/webviews/concept/render';
import { parseHostMessage, parsePageMessage } from '../../../src/webviews/concept/protocol';

describe('concept panel page', () => {
  it('renders an entry body as HTML with its symbols and related links', () => {
    const index = knowledgeIndex();
    const html = renderEntryHtml(index.get('convolution')!, index);
    assert.match(html, /<h1>Convolution layer<\/h1>/);
    assert.match(html, /<pre><code>H_out = ⌊\(H \+ 2·p − d·\(k − 1\) − 1\) \/ s⌋ \+ 1/);
    assert.match(html, /<strong>Parameters<\/strong>/);
    assert.match(html, /<th>PyTorch<\/th><td><code>torch\.nn\.Conv1d<\/code>/);
    assert.match(html, /<a href="#" data-entry="transposed-convolution">Transposed convolution<\/a>/);
  });

  it('escapes raw HTML and drops script links in entry Markdown', () => {
    const hostile: KnowledgeEntry = {
      id: 'hostile', title: 'A <b>title</b>', summary: 'sum <img src=x onerror=alert(1)>', body: 'text <script>alert(1)</script> [x](javascript:alert(1))',
      seeds: [], aliases: ['a'], symbols: { pytorch: ['<i>'] }, related: [],
    };
    const html = renderEntryHtml(hostile, new KnowledgeIndex([hostile]));
    assert.doesNotMatch(html, /<script|<img|<b>|<i>|href="javascript:/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('accepts only well-formed messages', () => {
    assert.deepEqual(parsePageMessage({ type: 'openEntry', id: 'u-net' }), { type: 'openEntry', id: 'u-net' });
    assert.equal(parsePageMessage({ type: 'openEntry', id: '../x' }), undefined);
    assert.equal(parsePageMessage({ type: 'ready', extra: 1 }), undefined);
    assert.equal(parseHostMessage({ type: 'entry', id: 1, title: 't', html: '' }), undefined);
  });
});
