import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { verbs } from '../../../src/runtime/cli/verbs';
import { inspectModel } from '../../../src/runtime/inspect';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedModelsDir } from '../helpers/shared';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
}

describe('cnn inspect (the built CLI)', function () {
  this.timeout(300_000);
  before(() => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });

  const models = fs.readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx'));
  it('covers every model in the shared folder', () => assert.ok(models.length >= 3));

  for (const file of models) {
    it(`${file} --json prints the summary inspectModel gives`, async () => {
      const model = path.join(sharedModelsDir, file);
      const result = runCli('inspect', model, '--json');
      assert.equal(result.status, 0, result.stderr);
      const printed = JSON.parse(result.stdout);
      assert.deepEqual(Object.keys(printed).slice(0, 8), ['format', 'inputs', 'outputs', 'opset', 'params', 'macs', 'ops', 'layers']);
      assert.deepEqual(printed, JSON.parse(JSON.stringify(await inspectModel(model))));
      for (const layer of printed.layers) for (const key of ['name', 'type', 'outputShape', 'params', 'macs']) assert.ok(key in layer, `${layer.name} has ${key}`);
    });

    it(`${file} without --json prints a readable table with totals`, async () => {
      const model = path.join(sharedModelsDir, file);
      const summary = await inspectModel(model);
      const result = runCli('inspect', model);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`parameters ${summary.params.toLocaleString('en-US')}`));
      const first = summary.layers[0];
      assert.match(result.stdout, new RegExp(`^${first.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+${first.type}\\s`, 'm'));
      assert.match(result.stdout, new RegExp(`^total\\s+${summary.layers.length} layers\\s+${summary.params.toLocaleString('en-US')}\\s+${summary.macs!.toLocaleString('en-US')}$`, 'm'));
    });
  }

  it('inspects a TensorFlow.js model.json', () => {
    const result = runCli('inspect', writeNsfwjsModelJson().modelJson, '--json');
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    assert.equal(printed.format, 'tfjs-layers');
    assert.equal(printed.layers.length, 162);
  });

  it('binds symbolic dims with --dim', async () => {
    const model = path.join(sharedModelsDir, 'ImageClassifier.onnx');
    const result = runCli('inspect', model, '--dim', 'batch_size=4', '--json');
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    assert.deepEqual(printed.inputs[0].shape, [4, 3, 32, 32]);
    assert.equal(printed.macs, 4 * (await inspectModel(model)).macs!);
  });

  it('exits 1 with one line naming the file for a broken or missing model', () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'broken.onnx');
    fs.writeFileSync(broken, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    for (const file of [broken, path.join(path.dirname(broken), 'absent.onnx')]) {
      const result = runCli('inspect', file);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0].includes(file), lines[0]);
    }
  });

  it('exits 2 with the verb list for an unknown verb', () => {
    const result = runCli('no-such-verb');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /inspect/);
  });

  it('--help lists every verb with its flags; help VERB prints that verb\'s usage', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = runCli(flag);
      assert.equal(result.status, 0, result.stderr);
      for (const name of Object.keys(verbs)) assert.match(result.stdout, new RegExp(`^  cnn ${name} `, 'm'), `${flag}: ${name}`);
    }
    assert.match(runCli('--help').stdout, /inspect MODEL \[--dim NAME=VALUE\]/);
    const explain = runCli('help', 'explain');
    assert.equal(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /^usage: cnn explain .*--method gradcam\|/);
    assert.doesNotMatch(explain.stdout, /cnn inspect/);
    const unknown = runCli('help', 'no-such-verb');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown verb no-such-verb/);
  });
});
