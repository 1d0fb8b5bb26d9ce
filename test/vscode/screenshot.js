// `node test/vscode/screenshot.js [overview|layers|graph]` (after `npm run build`): opens SqueezeNet in the Model
// Inspector in code-server and saves the workbench as media/screenshot-inspector.png (the README's picture).
require('../unit/register.js');
const path = require('node:path');
const { ensureHarness } = require('./installer.ts');
const paths = require('./paths.ts');
const { closeWorkbenchSession, openFile, openWorkbench, waitForWebview } = require('./workbench.ts');

async function main() {
  const tab = process.argv[2] ?? 'overview';
  ensureHarness();
  // A copy in the temporary folder, so that the picture shows no path of this checkout.
  const workspace = path.join(require('node:os').tmpdir(), 'sample-workspace');
  require('node:fs').cpSync(paths.sampleWorkspace, workspace, { recursive: true });
  const page = await openWorkbench(workspace);
  await openFile(page, 'SqueezeNet_fp16.onnx');
  const view = await waitForWebview(page, '#inspector');
  await view.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
  await page.waitForTimeout(1500);
  const file = path.join(paths.repoRoot, 'media', 'screenshot-inspector.png');
  await page.screenshot({ path: file });
  console.log(`saved ${path.relative(paths.repoRoot, file)}`);
}

main()
  .catch((error) => {
    console.error(error.message ?? error);
    process.exitCode = 1;
  })
  .finally(() => closeWorkbenchSession());
