import * as assert from 'node:assert/strict';
import { renderPageHtml } from '../../../src/webviews/shared/csp';
import { INSPECTOR_STRINGS } from '../../../src/webviews/inspector/protocol';
import { inspectorStrings } from '../../../src/webviews/inspector/strings';
import { PREVIEW_STRINGS } from '../../../src/webviews/preview/protocol';
import { previewStrings } from '../../../src/webviews/preview/strings';
import { QUANTIZE_STRINGS } from '../../../src/webviews/quantize/protocol';
import { quantizeStrings } from '../../../src/webviews/quantize/strings';
import { TRAIN_STRINGS } from '../../../src/webviews/train/protocol';
import { trainStrings } from '../../../src/webviews/train/strings';
import { ENGLISH, formatString, parsePageStrings, type Localizer } from '../../../src/webviews/shared/strings';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

/** A translation that marks every message and keeps its placeholders, as a real bundle does. */
const marked: Localizer = { t: (message, ...args) => formatString(`«${message}»`, ...args) };

const panels: Array<{ name: string; keys: readonly string[]; table: (l10n: Localizer) => Readonly<Record<string, string>> }> = [
  { name: 'inspector', keys: INSPECTOR_STRINGS, table: inspectorStrings },
  { name: 'preview', keys: PREVIEW_STRINGS, table: previewStrings },
  { name: 'quantize', keys: QUANTIZE_STRINGS, table: quantizeStrings },
  { name: 'train', keys: TRAIN_STRINGS, table: trainStrings },
];

describe('webview page strings: translated on the host, read by the page', () => {
  it('renders the table into #app as an attribute the page parses back exactly, with the display language', () => {
    const strings = { quote: 'say "hi" & <bye>', apostrophe: "l'image", placeholder: '{0} images' };
    const html = renderPageHtml({ cspSource, nonce: 'abc', title: 't', scriptUri: 's', styleUris: [], codiconsUri: 'c', lang: 'de', strings });
    assert.match(html, /<html lang="de">/);
    const attribute = /<div id="app" data-strings="([^"]*)"><\/div>/.exec(html)?.[1];
    assert.ok(attribute, 'no data-strings on #app');
    const unescaped = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(unescaped), strings);
  });

  it('accepts a table only when every key is a string, and keeps only the keys asked for', () => {
    assert.deepEqual(parsePageStrings({ a: 'A', b: 'B', extra: 'x' }, ['a', 'b']), { a: 'A', b: 'B' });
    assert.equal(parsePageStrings({ a: 'A' }, ['a', 'b']), undefined);
    assert.equal(parsePageStrings({ a: 'A', b: 2 }, ['a', 'b']), undefined);
    assert.equal(parsePageStrings(['A', 'B'], ['0', '1']), undefined);
    assert.equal(parsePageStrings(null, ['a']), undefined);
  });

  for (const { name, keys, table } of panels) {
    it(`the ${name} page gets every string through the translation, placeholders kept for the page to fill`, () => {
      const english = table(ENGLISH);
      assert.deepEqual(parsePageStrings(JSON.parse(JSON.stringify(english)), keys), english);
      const translated = table(marked);
      for (const key of keys) {
        assert.ok(translated[key].startsWith('«') && translated[key].endsWith('»'), `${name}.${key} is not translated: ${translated[key]}`);
        assert.equal(translated[key].slice(1, -1), english[key], `${name}.${key}`);
      }
      const withPlaceholders = keys.filter((key) => /\{0\}/.test(english[key]));
      assert.ok(withPlaceholders.length > 3);
      for (const key of withPlaceholders) assert.doesNotMatch(formatString(english[key], 'v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'), /\{\d\}/, `${name}.${key}`);
    });
  }
});
