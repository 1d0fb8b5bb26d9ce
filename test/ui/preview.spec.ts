import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, pickQuickItem, runCommand, saveScreenshot, screenshotOnFailure, waitForWebview } from '../vscode/workbench';

/** Sum of the canvas's RGB values: changes when the overlay is redrawn differently. */
function canvasChecksum(view: FrameLocator): Promise<number> {
  return view.locator('figure.explanation canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7;
    return sum;
  });
}

describe('Preview and Explain panel in VS Code in the browser: SqueezeNet on the kitten', () => {
  let page: Page | undefined;
  let view: FrameLocator;

  before(async () => {
    page = await openWorkbench();
    try {
      await runCommand(page, 'CNN: Preview Model Output');
      await pickQuickItem(page, 'SqueezeNet_fp16.onnx', false);
      await pickQuickItem(page, 'kitten_224.png', true);
      view = await waitForWebview(page, '#grid article.card');
    } catch (error) {
      console.log(`      screenshot: ${await saveScreenshot(page, 'preview panel did not open')}`);
      throw error;
    }
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });

  after(async () => {
    await page?.context().close();
  });

  it('shows class 281 (tabby) first with its probability and the raw 0-255 preprocessing', async () => {
    const first = view.locator('article.card ol.top li[data-class]').first();
    await first.waitFor({ timeout: 60_000 });
    assert.equal(await first.getAttribute('data-class'), '281');
    assert.match(await first.locator('.prob').innerText(), /^9[0-9]\.\d%$/);
    assert.match(await view.locator('#preprocessing summary').innerText(), /range 0-255/);
  });

  it('draws a Grad-CAM overlay whose canvas pixels follow the opacity slider', async () => {
    await view.locator('article.card vscode-button.explain').first().click();
    const canvas = view.locator('figure.explanation[data-method="gradcam"] canvas');
    await canvas.waitFor({ timeout: 120_000 });
    const atHalf = await canvasChecksum(view);
    await view.locator('figure.explanation input.opacity').first().fill('1');
    const atFull = await canvasChecksum(view);
    await view.locator('figure.explanation input.opacity').first().fill('0');
    const atZero = await canvasChecksum(view);
    assert.notEqual(atHalf, atFull);
    assert.notEqual(atHalf, atZero);
    assert.notEqual(atFull, atZero);
    await view.locator('figure.explanation input.opacity').first().fill('0.5');
    assert.equal(await canvasChecksum(view), atHalf, 'the same opacity draws the same pixels again');
    console.log(`      screenshot: ${await saveScreenshot(page!, 'preview-gradcam')}`);
  });
});
