// `node test/vscode/with-node24.js CMD ARGS...`: runs a command with the cached Node 24 first on PATH
// (tools such as vsce need Node >= 22 while the project itself runs on Node 20).
require('../unit/register.js');
const { spawnSync } = require('node:child_process');
const { ensureHarness, node24Env } = require('./installer.ts');

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node test/vscode/with-node24.js COMMAND [ARGS...]');
  process.exit(2);
}
ensureHarness({ codeServer: false });
const result = spawnSync(command, args, { stdio: 'inherit', env: node24Env() });
process.exit(result.status ?? 1);
