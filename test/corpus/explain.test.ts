import * as assert from 'node:assert/strict';
import { METHODS } from '../../src/runtime/explain/methods';
import { explainTfjsModel } from '../../src/runtime/explain/tfjs-gradcam';
import { sharedImage } from '../unit/helpers/shared';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { recordResult } from './results';

const byId = (id: string) => corpus.find((m) => m.id === id)!;

describe('corpus: explain TensorFlow.js models', function () {
  this.timeout(600_000);

  it('every method runs on a tfjs layers model (nsfwjs MobileNetV2) and gives a finite, non-flat map', async function () {
    const model = byId('nsfwjs');
    if (!corpusAvailable(model)) this.skip();
    const file = corpusFile(model);
    const done: string[] = [];
    for (const method of Object.keys(METHODS)) {
      // Score-CAM runs the model once per channel: on the 320-channel layer before the 1,280-channel default.
      const layer = method === 'scorecam' ? 'block_16_project_BN' : undefined;
      const explanation = await explainTfjsModel(file, sharedImage('kitten_224.png'), { method, layer });
      const { data, size: [height, width] } = explanation.cam;
      assert.ok(width > 0 && height > 0 && data.length === width * height, method);
      assert.ok(data.every(Number.isFinite), `${method}: finite`);
      // Score-CAM's map on a BatchNorm output (signed activations) may be all zero after its ReLU.
      if (method !== 'scorecam') assert.ok(Math.max(...data) > Math.min(...data), `${method}: not flat`);
      if (METHODS[method].resolution === 'layer') assert.deepEqual([height, width], explanation.layerDims.slice(1, 3), method);
      else assert.deepEqual([height, width], [224, 224], method);
      done.push(method);
    }
    recordResult(model.id, { explain: `${done.length}/9 methods` });
  });

  it('a fully convolutional model with open spatial dims binds them at the preprocessing size before choosing the layer', async function () {
    const model = byId('esrgan-x2');
    if (!corpusAvailable(model)) this.skip();
    const explanation = await explainTfjsModel(corpusFile(model), sharedImage('kitten_224.png'), { method: 'eigencam', overrides: { size: [40, 40] } });
    assert.equal(explanation.layerDims.length, 4);
    assert.ok(explanation.layerDims.slice(1, 3).every((d) => d >= 40), explanation.layerDims.join('×'));
    assert.deepEqual(explanation.cam.size, explanation.layerDims.slice(1, 3));
    recordResult(model.id, { explain: `eigencam at ${explanation.layerDims.slice(1, 3).join('×')}` });
  });
});
