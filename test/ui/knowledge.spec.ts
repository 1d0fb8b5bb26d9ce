import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openFile, openWorkbench, runCommand, screenshotOnFailure, waitForWebview } from '../vscode/workbench';

// sample-workspace/cnn_pytorch.py starts its network with nn.Conv2d(1, 32, kernel_size=3, padding=1):
// 32·1·3·3 weights + 32 biases = 320 parameters, and padding 1 keeps the size.

describe('Knowledge in VS Code in the browser: hover, Read more, Explain Concept', () => {
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

  it('hovers nn.Conv2d with its numbers, and "Read more" opens the entry in the concept panel', async () => {
    assert.ok(page);
    await openFile(page, 'cnn_pytorch.py');
    await page.locator('.monaco-editor .view-line', { hasText: 'Conv2d(1,' }).first().waitFor({ timeout: 30_000 });
    // The middle of "Conv2d" on line 10, measured in the rendered text (Monaco splits a line into token spans).
    const point = await page.evaluate(() => {
      for (const line of Array.from(document.querySelectorAll('.monaco-editor .view-line'))) {
        if (!line.textContent?.includes('Conv2d(1,')) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent?.indexOf('Conv2d') ?? -1;
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at + 2);
          range.setEnd(node, at + 4);
          const rect = range.getBoundingClientRect();
          return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
        }
      }
      return undefined;
    });
    assert.ok(point, 'Conv2d(1, is not rendered in the editor');
    const hover = page.locator('.monaco-hover-content', { hasText: 'Read more' });
    // The hover provider registers when the extension activates on Python: hover again until it answers.
    for (let attempt = 0; attempt < 10 && !(await hover.isVisible()); attempt++) {
      await page.mouse.move(point.x, point.y + 200);
      await page.mouse.move(point.x, point.y, { steps: 3 });
      await hover.waitFor({ timeout: 3000 }).catch(() => undefined);
    }
    const text = await hover.innerText();
    assert.match(text, /Convolution layer/);
    assert.match(text, /320 parameters: weight 32×1×3×3 = 288 \+ bias 32/);
    assert.match(text, /H_out = H \+ 2·1 − 3 \+ 1 = H/);
    await hover.getByRole('link', { name: 'Read more' }).click();
    const view = await waitForWebview(page, '.concept h1');
    assert.equal(await view.locator('.concept h1').innerText(), 'Convolution layer');
    assert.match(await view.locator('.concept pre').first().innerText(), /H_out = ⌊\(H \+ 2·p − d·\(k − 1\) − 1\) \/ s⌋ \+ 1/);
  });

  it('"CNN: Explain Concept…" finds an entry by a code symbol and follows related links', async () => {
    assert.ok(page);
    await runCommand(page, 'CNN: Explain Concept…');
    const input = page.locator('.quick-input-widget input.input');
    await input.fill('roi_align');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'RoIAlign' }).first().click();
    const view = await waitForWebview(page, '.concept h1');
    await view.locator('.concept h1', { hasText: 'RoIAlign' }).waitFor({ timeout: 30_000 });
    assert.match(await view.locator('.concept table.symbols').innerText(), /torchvision\.ops\.MultiScaleRoIAlign/);
    await view.locator('.concept a[data-entry="mask-rcnn"]').click();
    await view.locator('.concept h1', { hasText: 'Mask R-CNN' }).waitFor({ timeout: 30_000 });
  });
});
