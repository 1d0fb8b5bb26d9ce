import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RuntimeInfo } from '../../src/runtime/probe/report';
import { activeExtension, closeAllEditors } from './helpers/extension';

const settings = () => vscode.workspace.getConfiguration('cnnStudio');

describe('training, sample data and execution providers in the extension host', () => {
  afterEach(closeAllEditors);
  after(async () => {
    await settings().update('executionProvider', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('threads', undefined, vscode.ConfigurationTarget.Global);
  });

  it('registers Train Model, Create Sample Dataset and Set Up GPU Acceleration', async () => {
    await activeExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of ['cnn.trainModel', 'cnn.createSampleDataset', 'cnn.setUpGpu']) assert.ok(registered.has(command), command);
  });

  it('the execution provider and threads settings reach the sessions jobs create (cuda, not installed here, falls back to the CPU)', async function () {
    this.timeout(180_000);
    await activeExtension();
    await settings().update('executionProvider', 'cpu', vscode.ConfigurationTarget.Global);
    await settings().update('threads', 1, vscode.ConfigurationTarget.Global);
    const onCpu = await vscode.commands.executeCommand<RuntimeInfo>('cnn.showRuntimeInfo');
    assert.deepEqual(onCpu?.onnxruntime.inUse, { provider: 'cpu', requested: 'cpu', threads: 1 });

    const cudaRuns = onCpu?.onnxruntime.providers.find((provider) => provider.name === 'cuda')?.available;
    await settings().update('executionProvider', 'cuda', vscode.ConfigurationTarget.Global);
    await settings().update('threads', 0, vscode.ConfigurationTarget.Global);
    const onCuda = await vscode.commands.executeCommand<RuntimeInfo>('cnn.showRuntimeInfo');
    assert.equal(onCuda?.onnxruntime.inUse?.requested, 'cuda');
    assert.equal(onCuda?.onnxruntime.inUse?.threads, 0);
    if (!cudaRuns) {
      assert.equal(onCuda?.onnxruntime.inUse?.provider, 'cpu');
      assert.match(onCuda?.onnxruntime.inUse?.fallback ?? '', /^cuda did not initialize/);
    }
  });

  it('settings of values package.json does not allow run as their defaults (auto, 0 threads)', async function () {
    this.timeout(180_000);
    await activeExtension();
    await settings().update('executionProvider', 'gpu', vscode.ConfigurationTarget.Global);
    await settings().update('threads', -4, vscode.ConfigurationTarget.Global);
    assert.equal(settings().get('executionProvider'), 'gpu', 'VS Code kept the value as written');
    const info = await vscode.commands.executeCommand<RuntimeInfo>('cnn.showRuntimeInfo');
    assert.equal(info?.onnxruntime.inUse?.requested, 'auto');
    assert.equal(info?.onnxruntime.inUse?.threads, 0);
  });

  it('"CNN: Create Sample Dataset" writes the digits as one folder per class, and never into a folder that has files', async function () {
    this.timeout(120_000);
    await activeExtension();
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-sample-'));
    try {
      const dir = path.join(parent, 'digits');
      const written = await vscode.commands.executeCommand<string>('cnn.createSampleDataset', { dir, perClass: 3, open: false });
      assert.equal(written, dir);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.equal(fs.readdirSync(path.join(dir, '7')).filter((name) => name.endsWith('.png')).length, 3);
      const again = await vscode.commands.executeCommand<string | undefined>('cnn.createSampleDataset', { dir, perClass: 3, open: false });
      assert.equal(again, undefined);
      assert.equal(fs.readdirSync(path.join(dir, '7')).length, 3);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('"CNN: Set Up GPU Acceleration" without installing says what this machine has and verifies what runs', async function () {
    this.timeout(180_000);
    await activeExtension();
    const report = await vscode.commands.executeCommand<{ machine: { gpu: { present: boolean } }; packages: string[]; installed: unknown; tfjsBackend: string | null }>('cnn.setUpGpu', { install: false });
    assert.ok(report);
    assert.equal(report.installed, null);
    assert.ok(report.packages.length > 0);
    assert.ok(report.tfjsBackend, 'no tfjs backend verified');
  });
});
