import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatRuntimeInfo, type RuntimeInfo } from '../../src/runtime/probe/runtime-info';
import { activeExtension, closeAllEditors, workspaceFile } from './helpers/extension';

interface ContributedCommand {
  command: string;
  category?: string;
}

describe('CNN Studio in a real VS Code extension host', () => {
  afterEach(closeAllEditors);

  it('activates', async () => {
    const extension = await activeExtension();
    assert.equal(extension.isActive, true);
  });

  it('registers every command that package.json contributes, all under the CNN category', async () => {
    const extension = await activeExtension();
    const contributed = (extension.packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter(({ command }) => !registered.has(command)).map(({ command }) => command), []);
    assert.deepEqual(contributed.filter(({ category }) => category !== 'CNN').map(({ command }) => command), []);
  });

  it('"CNN: Show Runtime Info" reports the installed onnxruntime and a working CPU provider', async function () {
    this.timeout(120_000);
    const extension = await activeExtension();
    const info = await vscode.commands.executeCommand<RuntimeInfo | undefined>('cnn.showRuntimeInfo');
    assert.ok(info, 'the command returned no runtime info');
    const installed = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'));
    assert.equal(info.onnxruntime.error, null);
    assert.equal(info.onnxruntime.version, installed.version);
    assert.equal(info.onnxruntime.providers.find(({ name }) => name === 'cpu')?.available, true);
    assert.match(formatRuntimeInfo(info), new RegExp(`onnxruntime-node ${installed.version.replace(/\./g, '\\.')}`));
  });

  it('opens an ONNX model in the Model Inspector custom editor', async () => {
    await activeExtension();
    const model = workspaceFile('models', 'SqueezeNet_fp16.onnx');
    await vscode.commands.executeCommand('vscode.openWith', model, 'cnnStudio.modelInspector');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, `the active tab is not a custom editor: ${tab?.label}`);
    assert.equal(tab.input.viewType, 'cnnStudio.modelInspector');
    assert.equal(tab.input.uri.toString(), model.toString());
  });

  it('"CNN: Open Model Inspector" opens the model it is given in the inspector', async () => {
    await activeExtension();
    const model = workspaceFile('models', 'mnist.onnx');
    await vscode.commands.executeCommand('cnn.openModelInspector', model);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom);
    assert.equal(input.viewType, 'cnnStudio.modelInspector');
    assert.equal(input.uri.toString(), model.toString());
  });
});
