import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { activeWebview, openFile, openWorkbench, screenshotOnFailure } from '../vscode/workbench';

// SqueezeNet 1.0 (sample-workspace/models/SqueezeNet_fp16.onnx), counted independently with the onnx Python
// package: 26 Conv nodes, 1,235,496 parameters in its initializers, input data_0, output softmaxout_1.
describe('Model Inspector in VS Code in the browser', () => {
  let page: Page | undefined;

  before(async () => {
    page = await openWorkbench();
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });

  after(async () => {
    await page?.context().close();
  });

  it('shows SqueezeNet\'s real inputs, outputs, parameter count and Conv layers', async () => {
    assert.ok(page);
    await openFile(page, 'SqueezeNet_fp16.onnx');
    const view = activeWebview(page);
    await view.getByText('data_0').first().waitFor({ timeout: 60_000 });
    const text = await view.locator('body').innerText();
    assert.match(text, /softmaxout_1/);
    assert.match(text, /\[1, 3, 224, 224\]/);
    assert.match(text, /1,235,496/);
  });
});
