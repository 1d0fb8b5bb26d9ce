import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSettings } from '../../../src/runtime/images/sidecar';
import { resolveLabels } from '../../../src/runtime/predict/labels';
import { runPreviewRequest } from '../../../src/runtime/preview/jobs';
import { sharedImage, sharedModel } from '../helpers/shared';
import { loadSharp } from '../../../src/runtime/images/decode';

const sharp = loadSharp();

describe('preview panel jobs', function () {
  this.timeout(120000);
  it('predict answers per image with the picture the model saw, top-k and latency; a broken image fails alone', async () => {
    const response = await runPreviewRequest({ action: 'predict', model: sharedModel('SqueezeNet_fp16.onnx'), images: [sharedImage('kitten_224.png'), sharedModel('imagenet-labels.txt')], top: 3 });
    assert.equal(response.action, 'predict');
    if (response.action !== 'predict') return;
    const [kitten, broken] = response.results;
    const output = kitten.outputs[0];
    assert.ok(output.kind === 'classification' && output.top[0].index === 281 && output.top.length === 3);
    const picture = await sharp(Buffer.from(kitten.picture, 'base64')).metadata();
    assert.deepEqual([picture.width, picture.height], [224, 224]);
    assert.ok(kitten.latencyMs > 0);
    assert.ok(broken.error && broken.outputs.length === 0);
    assert.match(response.labelsFile!, /imagenet-labels\.txt$/);
  });

  it('explain answers the raw cam, the class label and the picture', async () => {
    const response = await runPreviewRequest({ action: 'explain', model: sharedModel('SqueezeNet_fp16.onnx'), image: sharedImage('kitten_224.png'), method: 'gradcam' });
    assert.equal(response.action, 'explain');
    if (response.action !== 'explain') return;
    assert.equal(response.targetClass, 281);
    assert.equal(response.label, 'tabby, tabby cat');
    assert.equal(response.objective, 'the class 281 output');
    assert.deepEqual(response.cam.size, [13, 13]);
    assert.equal(response.cam.values.length, 169);
    assert.ok(response.picture.length > 0);
    const named = await runPreviewRequest({ action: 'explain', model: sharedModel('SqueezeNet_fp16.onnx'), image: sharedImage('kitten_224.png'), method: 'gradcam', targetClass: 'Egyptian cat' });
    assert.ok(named.action === 'explain' && named.targetClass === 285 && named.label === 'Egyptian cat');
  });

  it('predict and explain both use the labels file remembered in the model\'s settings file', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-labels-'));
    try {
      const model = path.join(folder, 'mnist.onnx');
      fs.copyFileSync(sharedModel('mnist.onnx'), model);
      const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
      fs.mkdirSync(path.join(folder, 'names'));
      fs.writeFileSync(path.join(folder, 'names', 'digits.txt'), `${names.join('\n')}\n`);
      // A 10-line file next to the model that the remembered one must win over.
      fs.writeFileSync(path.join(folder, 'labels.txt'), `${names.map((name) => name.toUpperCase()).join('\n')}\n`);
      assert.equal(resolveLabels(model, 10).file, path.join(folder, 'labels.txt'));
      writeSettings(model, { labels: path.join('names', 'digits.txt') });
      assert.equal(resolveLabels(model, 10).file, path.join(folder, 'names', 'digits.txt'));
      const given = path.join(folder, 'given.txt');
      fs.writeFileSync(given, `${names.map((name) => `${name}!`).join('\n')}\n`);
      assert.deepEqual(resolveLabels(model, 10, { given }), { labels: names.map((name) => `${name}!`), file: given, source: 'given', ignored: [] }, 'a file given on the command line wins');

      const predicted = await runPreviewRequest({ action: 'predict', model, images: [sharedImage('mnist_28.png')] });
      assert.ok(predicted.action === 'predict');
      assert.equal(predicted.labelsFile, path.join(folder, 'names', 'digits.txt'));
      const top = predicted.results[0].outputs[0];
      assert.ok(top.kind === 'classification' && top.top[0].label === names[top.top[0].index]);

      const explained = await runPreviewRequest({ action: 'explain', model, image: sharedImage('mnist_28.png'), method: 'gradcam', targetClass: 'seven' });
      assert.ok(explained.action === 'explain');
      assert.equal(explained.targetClass, 7);
      assert.equal(explained.label, 'seven');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
