// `node test/vscode/install.js`: installs (or reuses) the cached Node 24 and code-server.
require('../unit/register.js');
const { ensureHarness } = require('./installer.ts');

try {
  ensureHarness();
} catch (error) {
  console.error(`[vscode-harness] ${error.message}`);
  process.exit(1);
}
