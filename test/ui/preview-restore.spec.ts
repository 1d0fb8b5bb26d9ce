import * as assert from 'node:assert/strict';
import { pickQuickItem, runCommand, saveScreenshot, useWorkbenchPage, waitForWebview } from '../vscode/workbench';

describe('Preview and Explain panel after a window reload', () => {
  const page = useWorkbenchPage();

  it('comes back with the same model and image, and predicts again', async () => {
    const workbench = page();
    await runCommand(workbench, 'CNN: Preview Model Output');
    await pickQuickItem(workbench, 'SqueezeNet_fp16.onnx', false);
    await pickQuickItem(workbench, 'kitten_224.png', true);
    const before = await waitForWebview(workbench, 'article.card ol.top li[data-class]');
    assert.equal(await before.locator('article.card ol.top li[data-class]').first().getAttribute('data-class'), '281');

    // Reloading through VS Code's own command lets the workbench save its editors and webview state first.
    const navigation = workbench.waitForEvent('framenavigated', { predicate: (frame) => frame === workbench.mainFrame(), timeout: 120_000 });
    await runCommand(workbench, 'Developer: Reload Window');
    await navigation;
    await workbench.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    try {
      const restored = await waitForWebview(workbench, 'article.card ol.top li[data-class]', 120_000);
      assert.equal(await restored.locator('article.card ol.top li[data-class]').first().getAttribute('data-class'), '281');
      assert.equal(await restored.locator('article.card').count(), 1);
    } catch (error) {
      console.log(`      screenshot: ${await saveScreenshot(workbench, 'preview panel not restored')}`);
      throw error;
    }
  });
});
