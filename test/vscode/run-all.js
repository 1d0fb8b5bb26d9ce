// `npm run test:vscode`: installs the harness if needed, then runs the VS Code layers (integration tests inside the
// extension host, then UI tests in the browser) and closes with one summary line. Expects a fresh `npm run build`.
// Arguments pick layers: `node test/vscode/run-all.js integration` or `... ui`.
require('../unit/register.js');
const { ensureHarness } = require('./installer.ts');
const { runIntegrationTests } = require('./integration.ts');
const { runUiTests } = require('./ui.ts');

const layers = { integration: runIntegrationTests, ui: runUiTests };

async function main() {
  const chosen = process.argv.slice(2);
  for (const name of chosen) {
    if (!layers[name]) throw new Error(`unknown layer "${name}"; choose from ${Object.keys(layers).join(', ')}`);
  }
  const installSeconds = ensureHarness();
  const results = [];
  for (const name of chosen.length > 0 ? chosen : Object.keys(layers)) {
    console.log(`\n[vscode-harness] ${name} tests`);
    const result = await layers[name]();
    if (result.error) console.error(`[vscode-harness] ${result.layer}: ${result.error}`);
    results.push(result);
  }
  console.log('');
  if (installSeconds > 0) console.log(`[vscode-harness] harness install: ${installSeconds.toFixed(1)} s`);
  for (const result of results) {
    console.log(`[vscode-harness] ${result.layer}: ${result.passed} passed, ${result.failed} failed${result.error ? ', run error' : ''} (${result.seconds.toFixed(1)} s)`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const errors = results.filter((result) => result.error).length;
  const ok = failed === 0 && errors === 0 && passed > 0;
  console.log(`VS Code tests: ${passed} passed, ${failed} failed${errors ? `, ${errors} layer(s) did not run to the end` : ''} -> ${ok ? 'OK' : 'FAILED'}`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`[vscode-harness] ${error.stack ?? error}`);
  console.log('VS Code tests: FAILED (harness error)');
  process.exit(1);
});
