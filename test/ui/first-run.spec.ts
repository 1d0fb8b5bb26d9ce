import * as assert from 'node:assert/strict';
import { pickQuickItem, runCommand, saveScreenshot, useWorkbenchPage, waitForWebview } from '../vscode/workbench';

describe('First run in VS Code in the browser: walkthrough, model pickers, a narrow preview panel', () => {
  const workbench = useWorkbenchPage();

  it('opens the Getting Started walkthrough with steps that run the sample commands', async () => {
    const page = workbench();
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await pickQuickItem(page, 'Get started with CNN Studio', false);
    const walkthrough = page.locator('.gettingStartedContainer');
    for (const step of ['Open the sample workspace', 'Open a model', 'Preview and explain a prediction', 'Hover a layer in your code', 'Quantize a model', 'Train on sample digits']) {
      await walkthrough.getByText(step, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
    console.log(`      screenshot: ${await saveScreenshot(page, 'first-run-walkthrough')}`);
    await runCommand(page, 'View: Close All Editors');
  });

  it('offers the workspace\'s models when "Open Model Inspector" runs without an open model', async () => {
    const page = workbench();
    await runCommand(page, 'CNN: Open Model Inspector');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    // The palette's own row can linger until the command's quick pick replaces it: wait for a model row.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '.onnx' }).first().waitFor({ timeout: 30_000 });
    const labels = await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
    for (const model of ['SqueezeNet_fp16.onnx', 'mnist.onnx', 'ImageClassifier.onnx']) {
      assert.ok(labels.some((label) => label.includes(model)), `${model} in ${JSON.stringify(labels)}`);
    }
    await pickQuickItem(page, 'mnist.onnx', false);
    const view = await waitForWebview(page, '#inspector');
    assert.match(await view.locator('#io-table').innerText(), /Input3/);
    await runCommand(page, 'View: Close All Editors');
  });

  it('shows the preview\'s method picker, class and layer fields and Explain button without scrolling in a 400-px panel', async () => {
    const page = workbench();
    // 760 px: beside the activity bar and side bar, the preview panel (the only editor) is about 400 px wide.
    await page.setViewportSize({ width: 760, height: 800 });
    await runCommand(page, 'CNN: Preview Model Output');
    await pickQuickItem(page, 'SqueezeNet_fp16.onnx', false);
    await pickQuickItem(page, 'kitten_224.png', true);
    const view = await waitForWebview(page, '#grid article.card ol.top');
    const layout = await view.locator('body').evaluate(() => {
      const box = (selector: string) => {
        const rect = document.querySelector(selector)!.getBoundingClientRect();
        return { selector, right: rect.right, bottom: rect.bottom, width: rect.width };
      };
      return {
        width: window.innerWidth,
        height: window.innerHeight,
        scrolled: document.scrollingElement!.scrollTop,
        controls: ['article.card select.method', 'article.card input.class-input', 'article.card input.layer-input', 'article.card vscode-button.explain'].map(box),
      };
    });
    console.log(`      screenshot: ${await saveScreenshot(page, 'first-run-preview-narrow')}`);
    assert.ok(layout.width >= 340 && layout.width <= 460, `the panel is ${layout.width} px wide`);
    assert.equal(layout.scrolled, 0);
    for (const control of layout.controls) {
      assert.ok(control.width > 0 && control.right <= layout.width && control.bottom <= layout.height, `${control.selector} is out of view: ${JSON.stringify(control)} in ${layout.width}×${layout.height}`);
    }
  });
});
