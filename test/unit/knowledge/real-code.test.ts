import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { hoverAt, knowledgeIndex, type Language } from '../../../src/runtime/knowledge';
import { parseCallAt } from '../../../src/runtime/knowledge/call-parser';

const python = process.env.CNN_STUDIO_TORCH_PYTHON ?? '/usr/bin/python3';
const repoRoot = path.resolve(__dirname, '../../..');
const tokensScript = path.join(repoRoot, 'scripts/reference/python_tokens.py');
const callsScript = path.join(repoRoot, 'scripts/reference/layer_calls.py');

/** torchvision's own model and ops sources, as Debian's python3-torchvision installs them. */
function torchvisionSources(): string[] {
  const root = execFileSync(python, ['-c', 'import os, torchvision; print(os.path.dirname(torchvision.__file__))']).toString().trim();
  return ['models', 'models/detection', 'ops'].flatMap((folder) => fs.readdirSync(path.join(root, folder))
    .filter((name) => name.endsWith('.py')).map((name) => path.join(root, folder, name)));
}

/** The first offset of every identifier outside nothing: the hover is asked there and in its middle. */
function identifierPositions(source: string): number[] {
  const positions: number[] = [];
  for (const match of source.matchAll(/[A-Za-z_$][\w$]*/g)) positions.push(match.index!, match.index! + (match[0].length >> 1));
  return positions;
}

function inside(spans: number[][], offset: number): boolean {
  return spans.some(([start, end]) => offset >= start && offset < end);
}

/** Comment and string spans as TypeScript's own scanner sees them (template literal text included). */
function scriptSpans(source: string): number[][] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const spans: number[][] = [];
  const textKinds = new Set([ts.SyntaxKind.SingleLineCommentTrivia, ts.SyntaxKind.MultiLineCommentTrivia, ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateHead, ts.SyntaxKind.TemplateMiddle, ts.SyntaxKind.TemplateTail]);
  let depth: number[] = [];
  let braces = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken) braces++;
    if (kind === ts.SyntaxKind.CloseBraceToken) {
      if (depth.length > 0 && depth[depth.length - 1] === braces) {
        kind = scanner.reScanTemplateToken(false);
        depth = depth.slice(0, -1);
      } else braces--;
    }
    if (kind === ts.SyntaxKind.TemplateHead || kind === ts.SyntaxKind.TemplateMiddle) depth.push(braces);
    if (textKinds.has(kind)) spans.push([scanner.getTokenPos(), scanner.getTextPos()]);
  }
  return spans;
}

describe('hovers over real code: torchvision\'s sources, tfjs\'s JSDoc, Keras code', function () {
  this.timeout(600_000);
  const index = knowledgeIndex();

  it('torchvision models and ops: no hover in comments, strings or docstrings, none on names the file does not import, literal calls counted as PyTorch does', () => {
    const files = torchvisionSources();
    assert.ok(files.length >= 40, `only ${files.length} torchvision files`);
    const python3 = execFileSync(python, [tokensScript, ...files], { maxBuffer: 64 << 20 }).toString().trim().split('\n')
      .map((line) => JSON.parse(line) as { file: string; spans: number[][]; imported: string[] });
    const wrong: string[] = [];
    const literalCalls: { where: string; call: string; parameters: number }[] = [];
    let positions = 0;
    let hovers = 0;
    for (const { file, spans, imported } of python3) {
      const source = fs.readFileSync(file, 'utf8');
      const importedNames = new Set(imported);
      const counted = new Set<number>();
      for (const offset of identifierPositions(source)) {
        positions++;
        const hover = hoverAt(index, source, 'python', offset);
        if (!hover) continue;
        hovers++;
        const where = `${path.basename(file)}:${source.slice(0, offset).split('\n').length}`;
        if (inside(spans, offset)) wrong.push(`${where}: hover on ${hover.symbol} inside a comment or string`);
        const head = source.slice(hover.start, hover.end).split('.')[0];
        if (!importedNames.has(head)) wrong.push(`${where}: hover on ${source.slice(hover.start, hover.end)}, but the file does not import ${head}`);
        if (hover.call?.parameters !== undefined && !counted.has(hover.start)) {
          counted.add(hover.start);
          const parsed = parseCallAt(source, hover.end, true);
          if (parsed) literalCalls.push({ where, call: source.slice(hover.start, parsed.close + 1).replace(/\s*\n\s*/g, ' '), parameters: hover.call.parameters });
        }
      }
    }
    const answers = execFileSync(python, [callsScript], { input: literalCalls.map(({ call }) => JSON.stringify({ call })).join('\n'), maxBuffer: 64 << 20 })
      .toString().trim().split('\n').map((line) => JSON.parse(line) as { parameters?: number; error?: string });
    let compared = 0;
    literalCalls.forEach(({ where, call, parameters }, i) => {
      if (answers[i].error !== undefined) return;
      compared++;
      if (answers[i].parameters !== parameters) wrong.push(`${where}: ${call} shows ${parameters} parameters, PyTorch counts ${answers[i].parameters}`);
    });
    console.log(`      ${files.length} files, ${positions} positions, ${hovers} hovers, ${compared} of ${literalCalls.length} literal layer calls counted by PyTorch`);
    assert.ok(hovers > 500 && compared >= 10, `too few hovers (${hovers}) or checked calls (${compared})`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong hovers`);
  });

  it('tfjs-layers\' own declarations: no hover inside their JSDoc examples and comments', () => {
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-layers/package.json'));
    const files = ['dist/exports_layers.d.ts', 'dist/exports.d.ts', 'dist/models.d.ts'].map((file) => path.join(dist, file));
    let inComments = 0;
    const wrong: string[] = [];
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      const spans = scriptSpans(source);
      for (const offset of identifierPositions(source)) {
        if (!inside(spans, offset)) continue;
        inComments++;
        const hover = hoverAt(index, source, 'typescript' as Language, offset);
        if (hover) wrong.push(`${path.basename(file)}:${source.slice(0, offset).split('\n').length}: hover on ${hover.symbol} inside JSDoc`);
      }
    }
    assert.ok(inComments > 1000, `only ${inComments} positions inside comments`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} hovers inside comments`);
  });

  it('Keras code: layers hover with their numbers, docstrings, comments, strings and the file\'s own classes do not', () => {
    const file = path.join(repoRoot, 'test/fixtures/knowledge/keras_cnn.py');
    const source = fs.readFileSync(file, 'utf8');
    const [{ spans }] = execFileSync(python, [tokensScript, file]).toString().trim().split('\n').map((line) => JSON.parse(line) as { spans: number[][] });
    const hovered = new Set<string>();
    for (const offset of identifierPositions(source)) {
      const hover = hoverAt(index, source, 'python', offset);
      if (!hover) continue;
      assert.ok(!inside(spans, offset), `hover on ${hover.symbol} inside a comment or string`);
      hovered.add(hover.symbol);
    }
    for (const symbol of ['keras.layers.Conv2D', 'keras.layers.MaxPooling2D', 'keras.layers.Dense', 'keras.layers.BatchNormalization']) assert.ok(hovered.has(symbol), symbol);
    assert.ok(!hovered.has('keras.layers.Attention'), 'the file\'s own Attention class');
  });
});
