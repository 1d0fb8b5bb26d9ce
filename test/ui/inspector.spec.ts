import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { resultsDir } from '../vscode/paths';
import { openFile, openWorkbench, saveScreenshot, screenshotOnFailure, waitForWebview } from '../vscode/workbench';

// SqueezeNet 1.0 (sample-workspace/models/SqueezeNet_fp16.onnx), counted independently with the onnx Python
// package: 26 Conv nodes, 1,235,496 parameters in its float16 initializers, one real input data_0 (its IR-3 layout
// also lists all 52 initializers as graph inputs), one output softmaxout_1.
const CONV_LAYERS = 26;

describe('Model Inspector in VS Code in the browser: SqueezeNet', () => {
  let page: Page | undefined;
  let view: FrameLocator;

  before(async () => {
    page = await openWorkbench();
    try {
      await openFile(page, 'SqueezeNet_fp16.onnx');
      view = await waitForWebview(page, '#inspector');
    } catch (error) {
      console.log(`      screenshot: ${await saveScreenshot(page, 'SqueezeNet inspector did not open')}`);
      throw error;
    }
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });

  after(async () => {
    await page?.context().close();
  });

  it('shows the real input and output, the parameter count and the op histogram', async () => {
    const io = await view.locator('#io-table vscode-table-row').evaluateAll((rows) =>
      rows.map((row) => [row.getAttribute('data-kind'), ...Array.from(row.children, (cell) => cell.textContent?.trim())].join(' ')));
    assert.deepEqual(io, ['input input data_0 [1, 3, 224, 224] float16', 'output output softmaxout_1 [1, 1000, 1, 1] float16']);
    assert.equal(await view.locator('#summary-params').getAttribute('title'), '1,235,496');
    assert.match(await view.locator('#summary-params').innerText(), /1\.24 M/);
    assert.equal(await view.locator('#op-histogram [data-op="Conv"] .count').innerText(), String(CONV_LAYERS));
  });

  it('lists every Conv layer in the layer table', async () => {
    await view.locator('vscode-tab-header[data-tab="layers"]').click();
    const rows = view.locator('#layer-table vscode-table-row');
    await rows.first().waitFor({ state: 'visible' });
    const opTypes = await rows.evaluateAll((elements) => elements.map((row) => row.children[2]?.textContent?.trim()));
    assert.equal(opTypes.filter((type) => type === 'Conv').length, CONV_LAYERS);
    assert.equal(String(opTypes.length), (await view.locator('#summary-layers .stat-value').innerText()).trim());
  });

  it('draws the underscore of Conv_0 in its table cell (the crop differs from the same cell reading "Conv 0")', async () => {
    await view.locator('vscode-tab-header[data-tab="layers"]').click();
    const cell = view.locator('#layer-table vscode-table-row[data-layer-index="0"] vscode-table-cell.mono').first();
    await cell.waitFor({ state: 'visible' });
    assert.equal((await cell.innerText()).trim(), 'Conv_0');
    const withUnderscore = await cell.screenshot();
    // '_' and ' ' have the same advance in the monospace font: only a drawn underscore makes the pictures differ.
    await cell.evaluate((element) => { element.textContent = 'Conv 0'; });
    const withSpace = await cell.screenshot();
    await cell.evaluate((element) => { element.textContent = 'Conv_0'; });
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'inspector-conv0-cell.png'), withUnderscore);
    assert.notDeepEqual(withUnderscore, withSpace, 'the underscore is clipped: Conv_0 reads "Conv 0"');
  });

  it('draws the graph and shows a Conv node\'s attributes when it is clicked', async () => {
    await view.locator('vscode-tab-header[data-tab="graph"]').click();
    const convNodes = view.locator('#graph-svg g.node-layer').filter({ has: view.locator('text.node-title', { hasText: /^Conv$/ }) });
    await convNodes.first().waitFor({ state: 'visible' });
    assert.equal(await convNodes.count(), CONV_LAYERS);
    assert.deepEqual(await view.locator('#graph-svg g.node-input text.node-title').allTextContents(), ['data_0']);
    await convNodes.first().click();
    assert.equal(await view.locator('#graph-details-type').innerText(), 'Conv');
    assert.match(await view.locator('#graph-details-attributes').innerText(), /kernel_shape/);
  });
});
