// The same integration tests in desktop VS Code (Electron), for machines that can download it:
// `node test/vscode/electron.js` after `npm run build`. CI uses code-server instead (see run-all.js).
require('../unit/register.js');
const { runTests } = require('@vscode/test-electron');
const { buildIntegrationTests } = require('./integration.ts');
const paths = require('./paths.ts');

async function main() {
  const extensionTestsPath = await buildIntegrationTests();
  await runTests({
    extensionDevelopmentPath: paths.repoRoot,
    extensionTestsPath,
    launchArgs: [paths.sampleWorkspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error) => {
  console.error(`integration tests in desktop VS Code failed: ${error.message ?? error}`);
  process.exit(1);
});
