import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, closeAllEditors, workspaceFile } from './helpers/extension';

interface MenuEntry {
  command: string;
  when?: string;
}

describe('"CNN: Quantize Model…" in a real VS Code extension host', () => {
  afterEach(closeAllEditors);

  it('is registered, and offered in the explorer menu of .onnx and model.json files', async () => {
    const extension = await activeExtension();
    assert.ok((await vscode.commands.getCommands(true)).includes('cnn.quantizeModel'));
    const menu = (extension.packageJSON.contributes.menus['explorer/context'] as MenuEntry[]).find((entry) => entry.command === 'cnn.quantizeModel');
    assert.ok(menu?.when, 'no explorer menu entry for cnn.quantizeModel');
    assert.match(menu.when, /\.onnx/);
    assert.match(menu.when, /model\\\.json/);
  });

  it('opens the Quantize panel on the model it is given', async () => {
    await activeExtension();
    const model = workspaceFile('models', 'mnist.onnx');
    const shown = await vscode.commands.executeCommand<string | undefined>('cnn.quantizeModel', model);
    assert.equal(shown, model.fsPath);
    const quantizeTab = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => candidate.label === 'Quantize mnist.onnx');
    // The workbench adds the panel's tab a moment after the command returns.
    for (let waited = 0; !quantizeTab() && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const tab = quantizeTab();
    assert.ok(tab, `no "Quantize mnist.onnx" tab among: ${vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((t) => t.label)).join(', ')}`);
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the Quantize tab is not a webview panel');
    assert.match(tab.input.viewType, /cnnStudio\.quantize$/);
  });
});
