import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedImage, sharedModel } from '../helpers/shared';
import { loadSharp } from '../../../src/runtime/images/decode';

const sharp = loadSharp();

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('cnn predict / cnn explain (the built CLI)', function () {
  this.timeout(300_000);
  let folder: string;
  before(() => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-explain-'));
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('predict prints top-k JSON for several images, with flags overriding the guess', () => {
    const report = JSON.parse(runCli('predict', sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), sharedImage('fish.png'), '--top', '3', '--json'));
    assert.equal(report.results.length, 2);
    assert.equal(report.results[0].outputs[0].top[0].index, 281);
    assert.equal(report.results[0].outputs[0].top.length, 3);
    assert.equal(report.provider, 'cpu');
    const digit = JSON.parse(runCli('predict', sharedModel('mnist.onnx'), sharedImage('mnist_28.png'), '--range', '0-1', '--json'));
    assert.equal(digit.preprocessing.range, '0-1');
    assert.equal(digit.results[0].outputs[0].top[0].index, 8);
  });

  it('explain prints the raw cam at the layer resolution, class, score and preprocessing, and writes the overlay PNG', async () => {
    const out = path.join(folder, 'overlay.png');
    const report = JSON.parse(runCli('explain', sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), '--method', 'gradcam', '--out', out, '--json'));
    assert.equal(report.method, 'gradcam');
    assert.equal(report.class, 281);
    assert.ok(report.score > 0.9);
    assert.equal(report.layer.tensor, 'conv10_2');
    assert.deepEqual(report.cam.shape, [13, 13]);
    assert.equal(report.cam.values.length, 169);
    assert.ok(report.cam.values.every((value: number) => value >= 0) && report.cam.values.some((value: number) => value > 0));
    assert.equal(report.preprocessing.range, '0-255');
    const overlay = await sharp(out).metadata();
    assert.deepEqual([overlay.format, overlay.width, overlay.height], ['png', 224, 224]);
    assert.deepEqual(fs.readdirSync(folder), ['overlay.png'], 'written through a temporary file, nothing left behind');

    const byClassName = JSON.parse(runCli('explain', sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), '--class', 'Egyptian cat', '--layer', 'Concat_60', '--json'));
    assert.equal(byClassName.class, 285);
    assert.equal(byClassName.layer.tensor, 'fire9/concat_1', 'a node name selects its output tensor');
    const byTensor = JSON.parse(runCli('explain', sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), '--class', '285', '--layer', 'fire9/concat_1', '--json'));
    assert.deepEqual(byTensor.cam, byClassName.cam);
    assert.notDeepEqual(byTensor.cam, report.cam);
  });

  it('explain runs Grad-CAM on a TensorFlow.js layers model (model.json) too', () => {
    const { dir, modelJson } = writeNsfwjsModelJson();
    try {
      const report = JSON.parse(runCli('explain', modelJson, sharedImage('kitten_224.png'), '--method', 'gradcam++', '--json'));
      assert.equal(report.method, 'gradcam++');
      assert.equal(report.layer.tensor, 'out_relu');
      assert.deepEqual(report.cam.shape, [7, 7]);
      assert.ok(report.cam.values.some((value: number) => value > 0));
      assert.equal(report.preprocessing.layout, 'nhwc');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
