import * as assert from 'node:assert/strict';
import { hoverWord, openFile, runCommand, useWorkbenchPage, waitForWebview } from '../vscode/workbench';

// sample-workspace/cnn_pytorch.py starts its network with nn.Conv2d(1, 32, kernel_size=3, padding=1):
// 32·1·3·3 weights + 32 biases = 320 parameters, and padding 1 keeps the size.

describe('Knowledge in VS Code in the browser: hover, Read more, Explain Concept', () => {
  const workbench = useWorkbenchPage();

  it('hovers nn.Conv2d with its numbers, and "Read more" opens the entry in the concept panel', async () => {
    const page = workbench();
    await openFile(page, 'cnn_pytorch.py');
    const hover = await hoverWord(page, 'Conv2d(1,', 'Conv2d', 'Read more');
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
    const page = workbench();
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
