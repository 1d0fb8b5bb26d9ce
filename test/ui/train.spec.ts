import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, pickQuickItem, runCommand, saveScreenshot, screenshotOnFailure, waitForWebview } from '../vscode/workbench';

/** Weighted sum of a canvas's pixels: changes whenever the chart draws something else. */
function canvasChecksum(view: FrameLocator, selector: string): Promise<number> {
  return view.locator(selector).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7 + data[i + 3];
    return sum;
  });
}

async function points(view: FrameLocator, selector: string): Promise<number> {
  return Number((await view.locator(selector).getAttribute('data-points')) ?? 0);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s`);
}

/**
 * Chooses a folder in VS Code's own (simple) file dialog by typing its path and pressing OK, until the next quick
 * input (`next`, its title) replaces the dialog: the dialog may still be reading the folder when OK is first pressed.
 */
async function chooseFolder(page: Page, folder: string, next: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`${folder}${path.sep}`);
  const following = page.locator('.quick-input-widget', { hasText: next });
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (await following.isVisible()) return;
    if ((await input.inputValue()) !== `${folder}${path.sep}`) await input.fill(`${folder}${path.sep}`);
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click({ timeout: 5000 }).catch(() => undefined);
  }
  await following.waitFor({ timeout: 10_000 });
}

describe('train panel in VS Code in the browser: the built-in CNN trained on sample digits', () => {
  let page: Page | undefined;
  let view: FrameLocator;
  let tmp: string;
  let output: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-ui-train-'));
    output = path.join(tmp, 'small-cnn-mnist-digits.onnx');
    page = await openWorkbench();
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });

  after(async () => {
    await page?.context().close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('"CNN: Create Sample Dataset" writes 20 digits a class and opens the Train panel on them', async () => {
    const workbench = page!;
    await runCommand(workbench, 'CNN: Create Sample Dataset');
    await chooseFolder(workbench, tmp, 'How many MNIST digits');
    await pickQuickItem(workbench, '20 digits a class', false);
    await workbench.locator('.notification-toast .monaco-button', { hasText: 'Train on them' }).first().click({ timeout: 60_000 });
    view = await waitForWebview(workbench, '#start');
    assert.equal(fs.readdirSync(path.join(tmp, 'mnist-digits')).length, 10);
    assert.equal(fs.readdirSync(path.join(tmp, 'mnist-digits', '3')).length, 20);
    assert.match(await view.locator('#data-path').innerText(), /mnist-digits$/);
    assert.equal(await view.locator('#out-path').innerText(), output);
    assert.match(await view.locator('#model-path').innerText(), /built-in small CNN/);
  });

  it('starts training: the loss and accuracy curves draw and grow while it runs', async () => {
    await view.locator('#setting-epochs input').fill('40');
    await view.locator('#setting-batchSize input').fill('8');
    await view.locator('#start').click();
    await waitFor('the loss curve did not get its first points', async () => (await points(view, '#loss-chart')) > 0);
    const firstPoints = await points(view, '#loss-chart');
    const firstLoss = await canvasChecksum(view, '#loss-chart');
    const firstAccuracy = await canvasChecksum(view, '#accuracy-chart');
    await waitFor('the curves did not grow', async () => (await points(view, '#loss-chart')) > firstPoints + 10 && (await points(view, '#accuracy-chart')) > firstPoints + 10);
    assert.notEqual(await canvasChecksum(view, '#loss-chart'), firstLoss, 'the loss chart was not redrawn');
    assert.notEqual(await canvasChecksum(view, '#accuracy-chart'), firstAccuracy, 'the accuracy chart was not redrawn');
    assert.match(await view.locator('#run-stats').innerText(), /images\/s/);
    assert.match(await view.locator('#provider').innerText(), /CPU/);
  });

  it('Pause holds the run (the curves stop growing) and Resume continues it', async () => {
    await view.locator('#pause').click();
    await waitFor('the run did not pause', async () => (await view.locator('#run-status').innerText()).trim() === 'paused');
    const held = await points(view, '#loss-chart');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(await points(view, '#loss-chart'), held);
    await view.locator('#resume').click();
    await waitFor('the run did not resume', async () => (await points(view, '#loss-chart')) > held);
    assert.equal((await view.locator('#run-status').innerText()).trim(), 'running');
  });

  it('Stop keeps the last epoch\'s checkpoint and writes the model from it, with the results', async () => {
    await waitFor('no epoch finished', async () => /checkpoint last\.ckpt \(epoch [2-9]/.test(await view.locator('#run-stats').innerText()));
    await view.locator('#stop').click();
    await waitFor('the run did not stop', async () => (await view.locator('#run-status').innerText()).trim() === 'stopped');
    await view.locator('#open-inspector').waitFor({ timeout: 60_000 });
    const checkpoint = path.join(`${output}.checkpoints`, 'last.ckpt');
    assert.ok(fs.existsSync(checkpoint), `${checkpoint} is missing`);
    assert.ok(fs.existsSync(output), `${output} is missing`);
    assert.equal(await view.locator('#confusion tbody tr').count(), 10);
    assert.equal(await view.locator('#per-class tbody tr').count(), 10);
    console.log(`      screenshot: ${await saveScreenshot(page!, 'train-wide')}`);
    // A narrow editor: the sidebar closed and the window at 420 px.
    await page!.keyboard.press('Control+B');
    await page!.setViewportSize({ width: 420, height: 1400 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    console.log(`      screenshot: ${await saveScreenshot(page!, 'train-narrow')}`);
    await page!.setViewportSize({ width: 1600, height: 1000 });
    await page!.keyboard.press('Control+B');
  });

  it('Open in Inspector shows the trained model', async () => {
    await view.locator('#open-inspector').click();
    const inspector = await waitForWebview(page!, '#summary');
    assert.equal(await inspector.locator('#summary h1').innerText(), path.basename(output));
  });
});
