import * as assert from 'node:assert/strict';
import { runPreviewRequest } from '../../../src/runtime/predict/preview-jobs';
import { sharedImage, sharedModel } from '../helpers/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sharp = require('sharp') as typeof import('sharp').default;

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
});
