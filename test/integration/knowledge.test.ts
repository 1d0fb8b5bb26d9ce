import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, closeAllEditors, workspaceFile } from './helpers/extension';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

/** Hovers at the first occurrence of `marker` (plus `shift` characters) in the document. */
async function hoverAt(document: vscode.TextDocument, marker: string, shift = 0): Promise<string> {
  const offset = document.getText().indexOf(marker);
  assert.ok(offset >= 0, `${marker} is not in ${document.uri.path}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset + shift));
  return hoverText(hovers ?? []);
}

describe('knowledge: hovers, snippets and commands', () => {
  afterEach(closeAllEditors);

  it('hovers a PyTorch layer with its explanation, parameter count and output formula', async () => {
    await activeExtension();
    const document = await vscode.workspace.openTextDocument(workspaceFile('cnn_pytorch.py'));
    const text = await hoverAt(document, 'Conv2d(1, 32', 2);
    assert.match(text, /Convolution layer/);
    assert.match(text, /320 parameters: weight 32×1×3×3 = 288 \+ bias 32/);
    assert.match(text, /H_out = H \+ 2·1 − 3 \+ 1 = H/);
    assert.match(text, /\[Read more\]\(command:cnn\.explainConcept\?/);
    assert.match(await hoverAt(document, 'MaxPool2d', 2), /Max pooling/);
  });

  it('hovers a TensorFlow.js layer config object in TypeScript', async () => {
    await activeExtension();
    const document = await vscode.workspace.openTextDocument(workspaceFile('cnn_tfjs.ts'));
    const text = await hoverAt(document, 'conv2d({ inputShape', 2);
    assert.match(text, /896 parameters/);
    assert.match(text, /H_out = H/);
    assert.match(text, /e\.g\. 32×32 → 32×32/);
  });

  it('shows no knowledge hover on an unrelated word', async () => {
    await activeExtension();
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'pool = 3\nprint(pool)\n' });
    assert.doesNotMatch(await hoverAt(document, 'pool', 1), /Read more/);
  });

  it('offers the architecture snippets in completion', async () => {
    await activeExtension();
    const python = await vscode.workspace.openTextDocument({ language: 'python', content: 'unet' });
    const pythonItems = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', python.uri, new vscode.Position(0, 4));
    const pythonLabels = pythonItems.items.filter((item) => item.kind === vscode.CompletionItemKind.Snippet).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(pythonLabels.includes('unet'), `snippet completions: ${pythonLabels.join(', ')}`);
    const typescript = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'focal' });
    const tsItems = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', typescript.uri, new vscode.Position(0, 5));
    const tsLabels = tsItems.items.filter((item) => item.kind === vscode.CompletionItemKind.Snippet).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(tsLabels.includes('focal-loss'), `snippet completions: ${tsLabels.join(', ')}`);
  });

  it('"CNN: Insert Architecture…" inserts the snippet for the editor language', async () => {
    await activeExtension();
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: '' });
    await vscode.window.showTextDocument(document);
    const inserted = await vscode.commands.executeCommand<string | undefined>('cnn.insertArchitecture', 'U-Net (PyTorch)');
    assert.equal(inserted, 'U-Net (PyTorch)');
    assert.match(document.getText(), /class UNet\(nn\.Module\):/);
    assert.match(document.getText(), /nn\.ConvTranspose2d\(channels, width, kernel_size=2, stride=2\)/);
  });

  it('"CNN: Explain Concept…" opens the entry panel for an id', async () => {
    await activeExtension();
    const shown = await vscode.commands.executeCommand<string | undefined>('cnn.explainConcept', 'roi-align');
    assert.equal(shown, 'roi-align');
    // The tab appears once the workbench has processed the panel: poll briefly.
    const tabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    for (let attempt = 0; attempt < 50 && !tabs().some((tab) => tab.input instanceof vscode.TabInputWebview); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tab = tabs().find((candidate) => candidate.input instanceof vscode.TabInputWebview);
    assert.ok(tab, `no webview tab opened; tabs: ${tabs().map((candidate) => `${candidate.label} (${candidate.input?.constructor.name})`).join(', ')}`);
    assert.equal(tab.label, 'RoIAlign');
    assert.match((tab.input as vscode.TabInputWebview).viewType, /cnnStudio\.concept$/);
  });
});
