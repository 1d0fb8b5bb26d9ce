import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../vscode/browser';
import * as paths from '../vscode/paths';
import { startCodeServer, type RunningServer } from '../vscode/servers';
import { hoverWord, openFile, pickQuickItem, runCommand, saveScreenshot, waitForWebview } from '../vscode/workbench';

const target = `${process.platform}-${process.arch}`;

describe(`The ${target} .vsix installed into code-server: inspector, prediction and hover from the installed copy`, function () {
  this.timeout(900_000);
  let out: string;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-installed-'));
    execFileSync(process.execPath, [path.join(paths.repoRoot, 'scripts', 'package.js'), '--target', target, '--out', out], { cwd: paths.repoRoot, stdio: 'pipe' });
    const vsix = fs.readdirSync(out).find((name) => name.endsWith('.vsix'))!;
    // A copy of the samples, so that nothing of this checkout is on the way to the installed extension.
    const workspace = path.join(out, 'sample-workspace');
    fs.cpSync(paths.sampleWorkspace, workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: path.join(out, vsix) });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    await page.goto(server.url);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('installs as a folder of its own, not a link to this checkout', () => {
    const extensionsDir = path.join(server!.workDir, 'extensions');
    const installed = fs.readdirSync(extensionsDir).filter((name) => name.startsWith(paths.extensionId));
    assert.equal(installed.length, 1, JSON.stringify(fs.readdirSync(extensionsDir)));
    const folder = path.join(extensionsDir, installed[0]);
    assert.equal(fs.lstatSync(folder).isSymbolicLink(), false);
    assert.ok(fs.existsSync(path.join(folder, 'dist', 'node_modules', 'onnxruntime-node')));
  });

  it('inspects SqueezeNet, predicts the kitten and hovers nn.Conv2d', async () => {
    try {
      await openFile(page, 'SqueezeNet_fp16.onnx');
      const inspector = await waitForWebview(page, '#inspector');
      assert.equal(await inspector.locator('#summary-params').getAttribute('title'), '1,235,496');
      await runCommand(page, 'View: Close All Editors');

      await runCommand(page, 'CNN: Preview Model Output');
      await pickQuickItem(page, 'SqueezeNet_fp16.onnx', false);
      await pickQuickItem(page, 'kitten_224.png', true);
      const preview = await waitForWebview(page, '#grid article.card ol.top li[data-class]');
      assert.equal(await preview.locator('article.card ol.top li[data-class]').first().getAttribute('data-class'), '281');
      await runCommand(page, 'View: Close All Editors');

      await openFile(page, 'cnn_pytorch.py');
      const hover = await hoverWord(page, 'Conv2d(1,', 'Conv2d', 'Read more');
      assert.match(await hover.innerText(), /320 parameters/);
    } catch (error) {
      console.log(`      screenshot: ${await saveScreenshot(page, 'installed-vsix')}`);
      throw error;
    }
  });
});
