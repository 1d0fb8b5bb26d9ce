// Runs test layers and closes with one summary line. Layers: checks (tsc --noEmit, ESLint), unit (mocha, plain
// Node), integration (mocha inside a real VS Code extension host), ui (VS Code in Chromium).
// `node test/vscode/run-all.js [checks] [unit] [integration] [ui]`; without arguments, the two VS Code layers.
// Installs the VS Code harness when a VS Code layer needs it. Expects a fresh `npm run build`. A skipped test fails
// the run unless test/expected-skips.txt lists its full title.
require('../unit/register.js');
const fs = require('node:fs');
const path = require('node:path');
const { runStaticChecks } = require('./checks.ts');
const { ensureHarness } = require('./installer.ts');
const { runIntegrationTests } = require('./integration.ts');
const { runUiTests } = require('./ui.ts');
const { runUnitTests } = require('./unit.ts');

const layers = { checks: runStaticChecks, unit: runUnitTests, integration: runIntegrationTests, ui: runUiTests };
const needsVscode = new Set(['integration', 'ui']);

async function runLayer(name) {
  const started = Date.now();
  try {
    return await layers[name]();
  } catch (error) {
    return { layer: name, passed: 0, failed: 0, skipped: [], seconds: (Date.now() - started) / 1000, error: error.stack ?? String(error) };
  }
}

/** Full test titles that may be skipped (one a line; `#` starts a comment), e.g. where a machine lacks a GPU. */
function expectedSkips() {
  const file = path.join(__dirname, '..', 'expected-skips.txt');
  return new Set(fs.readFileSync(file, 'utf8').split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean));
}

async function main() {
  const chosen = process.argv.slice(2);
  for (const name of chosen) {
    if (!layers[name]) throw new Error(`unknown layer "${name}"; choose from ${Object.keys(layers).join(', ')}`);
  }
  const results = [];
  let installSeconds = 0;
  let installError;
  for (const name of chosen.length > 0 ? chosen : ['integration', 'ui']) {
    console.log(`\n[test] ${name} tests`);
    if (needsVscode.has(name) && installError === undefined) {
      try {
        installSeconds += ensureHarness();
      } catch (error) {
        installError = error.message;
      }
    }
    const result = needsVscode.has(name) && installError !== undefined
      ? { layer: name, passed: 0, failed: 0, skipped: [], seconds: 0, error: `the VS Code harness could not be installed: ${installError}` }
      : await runLayer(name);
    if (result.error) console.error(`[test] ${result.layer}: ${result.error}`);
    results.push(result);
  }
  console.log('');
  if (installSeconds > 0) console.log(`[test] VS Code harness install: ${installSeconds.toFixed(1)} s`);
  for (const result of results) {
    console.log(`[test] ${result.layer}: ${result.passed} passed, ${result.failed} failed, ${result.skipped.length} skipped${result.error ? ', did not run to the end' : ''} (${result.seconds.toFixed(1)} s)`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const skipped = results.flatMap((result) => result.skipped);
  const allowed = expectedSkips();
  const unexpectedSkips = skipped.filter((title) => !allowed.has(title));
  const broken = results.filter((result) => result.error).length;
  const ok = failed === 0 && broken === 0 && unexpectedSkips.length === 0 && passed > 0;
  if (broken) console.log(`[test] ${broken} layer(s) did not run to the end`);
  for (const title of unexpectedSkips) console.log(`[test] skipped, and not listed in test/expected-skips.txt: ${title}`);
  console.log(`[test] ${ok ? 'OK' : 'FAILED'}`);
  // Last, and alone on its line, so that tools reading the closing line find the counts. An unexpected skip counts
  // as a failure.
  console.log(`Tests: ${passed} passed, ${failed + broken + unexpectedSkips.length} failed, ${skipped.length} skipped`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`[test] ${error.stack ?? error}`);
  console.log('Tests: FAILED (test runner error)');
  process.exit(1);
});
