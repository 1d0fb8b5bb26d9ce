import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, not a module of the project's sources
const { BUNDLE, extractStrings, bundleText } = require(path.join(repoRoot, 'scripts', 'l10n.js')) as {
  BUNDLE: string;
  extractStrings(): { bundle: Record<string, string>; unlocalized: string[] };
  bundleText(bundle: Record<string, string>): string;
};

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

/** Every string of the manifest with the path to it (`contributes.commands.0.title`). */
function manifestStrings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => manifestStrings(child, at ? `${at}.${key}` : key));
}

/** The manifest fields VS Code and the marketplace show to users. */
const SHOWN = /^(displayName|description|capabilities\.untrustedWorkspaces\.description|contributes\.(commands\.\d+\.(title|category)|walkthroughs\.\d+\.(title|description|steps\.\d+\.(title|description))|customEditors\.\d+\.displayName|configuration\.(title|properties\.[^.]+\.(description|markdownDescription|enumDescriptions\.\d+|markdownEnumDescriptions\.\d+|deprecationMessage))))$/;

describe('localization: package.nls.json and l10n/bundle.l10n.json', () => {
  const manifest = readJson('package.json');
  const nls = readJson('package.nls.json');

  it('shows no manifest text that is not a %key% of package.nls.json', () => {
    const shown = manifestStrings(manifest).filter(([at]) => SHOWN.test(at));
    assert.ok(shown.length > 40, `only ${shown.length} shown strings found: the field pattern no longer matches the manifest`);
    assert.deepEqual(shown.filter(([, text]) => !/^%[^%]+%$/.test(text)).map(([at]) => at), []);
  });

  it('defines every %key% of package.json in package.nls.json, and no key there goes unused', () => {
    const used = new Set(manifestStrings(manifest).flatMap(([, text]) => /^%([^%]+)%$/.exec(text)?.[1] ?? []));
    assert.deepEqual([...used].filter((key) => typeof nls[key] !== 'string'), [], 'keys package.json uses that package.nls.json lacks');
    assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), [], 'keys of package.nls.json that package.json does not use');
  });

  it('points package.json at the bundle, which holds exactly the English strings of the sources\' l10n.t calls', () => {
    assert.equal(manifest.l10n, './l10n');
    const { bundle } = extractStrings();
    assert.ok(Object.keys(bundle).length > 50, `only ${Object.keys(bundle).length} strings extracted`);
    assert.ok(bundle['Preview and Explain'] === 'Preview and Explain');
    assert.equal(fs.readFileSync(BUNDLE, 'utf8'), bundleText(bundle), 'l10n/bundle.l10n.json is out of date: run `node scripts/l10n.js`');
  });

  it('passes no literal text straight to a message, panel title, quick pick or dialog title in host code', () => {
    assert.deepEqual(extractStrings().unlocalized, []);
  });
});
