// `node scripts/l10n.js`: writes l10n/bundle.l10n.json, the English strings of the extension host's
// `vscode.l10n.t(...)` calls (what `@vscode/l10n-dev export` writes), found with the TypeScript compiler API.
// Translations go beside it as bundle.l10n.<locale>.json. test/unit/package/l10n.test.ts fails when the bundle is out
// of date, and when host code passes a literal string straight to a message, quick pick, dialog or panel title.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const BUNDLE = path.join(root, 'l10n', 'bundle.l10n.json');
/** Host code: everything under src/ but the runtime (shared with the CLI) and the webview pages (they run in the page). */
const HOST_DIRS = ['src/extension', 'src/providers', 'src/webviews'];
const isPageFile = (file) => file.split(path.sep).includes('page');

/** Calls whose first argument the user reads, and object properties that end up on screen. */
const SHOWN_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'createWebviewPanel']);
const SHOWN_PROPERTIES = new Set(['title', 'placeHolder', 'prompt', 'tooltip']);

function hostFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return isPageFile(file) ? [] : hostFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

const isLiteral = (node) => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
const isL10nCall = (node) => ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't'
  && /(^|\.)l10n$/.test(node.expression.expression.getText());

/**
 * The English strings of every l10n.t call under the host directories, sorted, and the literal strings shown without
 * l10n.t (as "file:line: text"). Throws on an l10n.t call whose message is not a plain string literal: it could not be
 * exported.
 */
function extractStrings() {
  const strings = new Set();
  const unlocalized = [];
  for (const file of HOST_DIRS.flatMap((dir) => hostFiles(path.join(root, dir)))) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node) => `${path.relative(root, file).split(path.sep).join('/')}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const flag = (node) => { if (node && isLiteral(node)) unlocalized.push(`${where(node)}: ${node.getText()}`); };
    const visit = (node) => {
      if (isL10nCall(node)) {
        const [message] = node.arguments;
        if (!message || !(ts.isStringLiteral(message) || ts.isNoSubstitutionTemplateLiteral(message))) {
          throw new Error(`${where(node)}: l10n.t needs a string literal as its message, with {0} placeholders for the values`);
        }
        strings.add(message.text);
      } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && SHOWN_CALLS.has(node.expression.name.text)) {
        flag(node.expression.name.text === 'createWebviewPanel' ? node.arguments[1] : node.arguments[0]);
      } else if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && SHOWN_PROPERTIES.has(node.name.text)) {
        flag(node.initializer);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const bundle = Object.fromEntries([...strings].sort().map((text) => [text, text]));
  return { bundle, unlocalized };
}

function bundleText(bundle) {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

if (require.main === module) {
  const { bundle, unlocalized } = extractStrings();
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const staging = `${BUNDLE}.${process.pid}.tmp`;
  fs.writeFileSync(staging, bundleText(bundle));
  fs.renameSync(staging, BUNDLE);
  console.log(`${path.relative(process.cwd(), BUNDLE)}: ${Object.keys(bundle).length} strings`);
  for (const line of unlocalized) console.warn(`not localized: ${line}`);
}

module.exports = { BUNDLE, extractStrings, bundleText };
