// Benchmarks, printed as one table: `npm run bench` (builds first). Each benchmark is an entry of BENCHMARKS
// returning rows { name, value, unit, note }; timings that depend on a clean require cache run in a fresh Node.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const HEAVY_MODULES = ['onnxruntime-node', '@tensorflow/tfjs', 'sharp'];
// What only dist/knowledge.js may bundle, by the bundled source paths that give it away.
const LAZY_KNOWLEDGE_SOURCES = { 'markdown-it': /node_modules\/markdown-it\//, 'knowledge index': /knowledge\/entries\.json$/, 'concept panel': /webviews\/concept\// };

/** Runs `body` (an async function's source, with `report(value)`) in a fresh Node process and returns its report. */
function inFreshNode(body) {
  const script = `
    const report = (value) => process.stdout.write('\\n@@' + JSON.stringify(value));
    (async () => { ${body} })().catch((error) => { console.error(error); process.exit(1); });`;
  const output = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(output.slice(output.lastIndexOf('\n@@') + 3));
}

/** Median of several fresh-process runs, so one slow disk read does not decide the number. */
function medianOf(runs, measure) {
  const values = Array.from({ length: runs }, measure).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

// A stand-in for the `vscode` module: every property is a callable, constructible stub returning more stubs, so
// activate() can register whatever it registers without a real VS Code.
const FAKE_VSCODE = String.raw`
  const Module = require('module');
  const stub = () => new Proxy(function () {}, {
    get: (_, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : stub()),
    apply: () => stub(),
    construct: () => stub(),
    set: () => true,
  });
  // Every name @types/vscode exports (namespaces, classes, enums), since bundlers copy the module's own keys.
  const declarations = require('fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const apiNames = new Set([...declarations.matchAll(/^\s*export (?:namespace|class|enum|const) (\w+)/gm)].map((match) => match[1]));
  const fakeVscode = Object.fromEntries([...apiNames].map((name) => [name, stub()]));
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
  };
  const context = { subscriptions: [], extensionUri: fakeVscode.Uri.file(process.cwd()), extensionPath: process.cwd(),
    asAbsolutePath: (p) => require('path').join(process.cwd(), p), globalState: stub(), workspaceState: stub(),
    globalStorageUri: stub(), storageUri: stub(), logUri: stub(), extensionMode: 1 };
`;

function bundleSize() {
  const rows = [];
  for (const file of ['dist/extension.js', 'dist/knowledge.js', 'dist/cli.js']) {
    const full = path.join(root, file);
    if (fs.existsSync(full)) rows.push({ name: `size of ${file}`, value: (fs.statSync(full).size / 1024).toFixed(1), unit: 'KiB' });
  }
  const workers = path.join(root, 'dist', 'workers');
  const pages = path.join(root, 'dist', 'webviews');
  for (const dir of [workers, pages].filter((folder) => fs.existsSync(folder))) {
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js'))) {
      rows.push({ name: `size of ${path.relative(root, path.join(dir, file))}`, value: (fs.statSync(path.join(dir, file)).size / 1024).toFixed(1), unit: 'KiB' });
    }
  }
  return rows;
}

/** Which of LAZY_KNOWLEDGE_SOURCES dist/extension.js bundles (read from its source map), undefined without a map. */
function lazyKnowledgeSourcesInMainBundle() {
  const map = path.join(root, 'dist', 'extension.js.map');
  if (!fs.existsSync(map)) return undefined;
  const sources = JSON.parse(fs.readFileSync(map, 'utf8')).sources;
  return Object.keys(LAZY_KNOWLEDGE_SOURCES).filter((name) => sources.some((source) => LAZY_KNOWLEDGE_SOURCES[name].test(source)));
}

function activation() {
  let loadedModules = [];
  let subscriptions = 0;
  let knowledgeLoaded = true;
  const requireTimes = [];
  const firstHoverTimes = [];
  const laterHoverTimes = [];
  const ms = medianOf(5, () => {
    const result = inFreshNode(`
      ${FAKE_VSCODE}
      const hoverProviders = [];
      const languages = fakeVscode.languages;
      fakeVscode.languages = new Proxy({}, { get: (_, key) => key === 'registerHoverProvider'
        ? (selector, provider) => { hoverProviders.push(provider); return stub(); } : languages[key] });
      const started = process.hrtime.bigint();
      const extension = require('./dist/extension.js');
      const required = process.hrtime.bigint();
      await extension.activate(context);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const requireMs = Number(required - started) / 1e6;
      const modules = Object.keys(require.cache).filter((file) => file.includes('node_modules'))
        .map((file) => file.split('node_modules/').pop().split('/').slice(0, 2).join('/'));
      const knowledgeLoaded = Object.keys(require.cache).some((file) => file.endsWith('/dist/knowledge.js'));
      const source = 'import torch.nn as nn\\nconv = nn.Conv2d(3, 64, kernel_size=3, padding=1)\\n';
      const offset = source.indexOf('Conv2d') + 2;
      const document = { languageId: 'python', getText: () => source, offsetAt: () => offset, positionAt: (at) => at };
      const hover = () => {
        const hoverStarted = process.hrtime.bigint();
        if (!hoverProviders[0].provideHover(document, offset)) throw new Error('no hover for nn.Conv2d');
        return Number(process.hrtime.bigint() - hoverStarted) / 1e6;
      };
      const firstHoverMs = hover();
      const laterHoverMs = Math.min(hover(), hover(), hover());
      report({ ms, requireMs, modules: [...new Set(modules)], subscriptions: context.subscriptions.length, knowledgeLoaded, firstHoverMs, laterHoverMs });`);
    requireTimes.push(result.requireMs);
    firstHoverTimes.push(result.firstHoverMs);
    laterHoverTimes.push(result.laterHoverMs);
    loadedModules = result.modules;
    subscriptions = result.subscriptions;
    knowledgeLoaded &&= result.knowledgeLoaded;
    return result.ms;
  });
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const heavyLoaded = HEAVY_MODULES.filter((name) => loadedModules.some((module) => module === name || module.startsWith(`${name}/`)));
  const bundledKnowledge = lazyKnowledgeSourcesInMainBundle();
  const knowledgeEager = knowledgeLoaded || (bundledKnowledge ?? []).length > 0;
  const rows = [
    { name: 'size of the activation bundle dist/extension.js', value: (fs.statSync(path.join(root, 'dist', 'extension.js')).size / 1024).toFixed(1), unit: 'KiB' },
    { name: 'activate(): require dist/extension.js + activate()', value: ms.toFixed(1), unit: 'ms', note: `${subscriptions} disposables registered, median of 5 fresh processes` },
    { name: '  of which require(dist/extension.js)', value: median(requireTimes).toFixed(1), unit: 'ms', note: 'median' },
    { name: 'node_modules loaded at activation', value: loadedModules.length, unit: 'packages', note: loadedModules.join(', ') || 'none' },
    { name: `heavy runtimes loaded at activation (${HEAVY_MODULES.join(', ')})`, value: heavyLoaded.length, unit: 'modules', note: heavyLoaded.length === 0 ? 'PASS: none of them' : `FAIL: ${heavyLoaded.join(', ')}` },
    {
      name: 'knowledge index / markdown-it / concept panel at activation',
      value: knowledgeEager ? 'loaded' : 'lazy',
      unit: '',
      note: knowledgeEager
        ? `FAIL: ${[knowledgeLoaded && 'dist/knowledge.js required by activate()', ...(bundledKnowledge ?? []).map((name) => `${name} bundled into dist/extension.js`)].filter(Boolean).join('; ')}`
        : `PASS: dist/knowledge.js not required${bundledKnowledge ? ', none of them bundled into dist/extension.js' : ' (no source map to check the bundle)'}`,
    },
    { name: 'first knowledge hover after activation (loads dist/knowledge.js)', value: median(firstHoverTimes).toFixed(1), unit: 'ms', note: 'nn.Conv2d through the registered provider, median' },
    { name: '  later hovers', value: median(laterHoverTimes).toFixed(3), unit: 'ms', note: 'same hover again, median of the best of 3' },
  ];
  if (heavyLoaded.length > 0 || knowledgeEager) process.exitCode = 1;
  return rows;
}

function heavyRequireCost() {
  return HEAVY_MODULES.map((name) => {
    const ms = medianOf(3, () =>
      inFreshNode(`
        const started = process.hrtime.bigint();
        require(${JSON.stringify(name)});
        report(Number(process.hrtime.bigint() - started) / 1e6);`),
    );
    return { name: `for comparison: require('${name}')`, value: ms.toFixed(1), unit: 'ms', note: 'what activation would cost more if it were loaded eagerly' };
  });
}

const { gradients } = require('./bench/grad');
const { gradcam, scoreCam } = require('./bench/gradcam');
const { largeFp16 } = require('./bench/large-fp16');
const { knowledgeHover } = require('./bench/knowledge-hover');
const { tfjsGradcam } = require('./bench/tfjs-gradcam');
const { quantize } = require('./bench/quantize');
const { tfjsTrain } = require('./bench/tfjs-train');
const { training } = require('./bench/train');

const BENCHMARKS = [bundleSize, activation, heavyRequireCost, gradients, knowledgeHover, gradcam, scoreCam, largeFp16, tfjsGradcam, quantize, training, tfjsTrain];

function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  // `node scripts/bench.js activation heavyRequireCost` runs only the named benchmarks.
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`);
  const rows = BENCHMARKS.filter((benchmark) => chosen.length === 0 || chosen.includes(benchmark.name)).flatMap((benchmark) => benchmark());
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    const value = `${row.value} ${row.unit}`.padStart(14);
    console.log(`${row.name.padEnd(width)}  ${value}${row.note ? `  (${row.note})` : ''}`);
  }
}

main();
