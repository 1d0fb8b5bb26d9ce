import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Explainer } from '../../../src/runtime/explain';
import { imageToTensor } from '../../../src/runtime/images';
import { encodeModel, readModelFile } from '../../../src/runtime/onnx/codec';
import { cosineSimilarity } from '../../../src/runtime/quantize/agreement';
import { explanationDrift } from '../../../src/runtime/quantize/explanation-drift';
import { quantizeForTests } from '../../fixtures/models/qdq';
import { sharedImage } from '../helpers/shared';
import { torchvisionModel } from '../predict/torchvision-models';

describe('quantize: Grad-CAM on a QDQ int8 model and explanation drift', function () {
  this.timeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qdq-drift-'));
  const kitten = sharedImage('kitten_224.png');
  let floatFile: string;
  let quantizedFile: string;
  before(async () => {
    floatFile = torchvisionModel('resnet18');
    const explainer = await Explainer.open(floatFile, { sampleImage: kitten });
    const calibration = [];
    for (const name of ['kitten_224.png', 'cat.jpg', 'fish.png']) {
      const { data, dims } = await imageToTensor(sharedImage(name), explainer.preprocessing);
      calibration.push({ [explainer.facts.name]: { data, dims } });
    }
    await explainer.release();
    quantizedFile = path.join(tmp, 'resnet18.int8.onnx');
    fs.writeFileSync(quantizedFile, encodeModel(await quantizeForTests(readModelFile(floatFile), calibration)));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('resnet18 int8 (QDQ): Grad-CAM on the kitten has cosine ≥ 0.95 with the float model\'s, same layer and class', async () => {
    const counts = readModelFile(quantizedFile).graph.node.reduce((c, n) => ({ ...c, [n.op_type]: (c[n.op_type] ?? 0) + 1 }), {} as Record<string, number>);
    assert.ok(counts.QuantizeLinear >= 15 && counts.DequantizeLinear >= 35, JSON.stringify(counts));
    const logits = [];
    for (const file of [floatFile, quantizedFile]) {
      const explainer = await Explainer.open(file, { sampleImage: kitten });
      logits.push((await explainer.outputs((await imageToTensor(kitten, explainer.preprocessing)).data)).output);
      await explainer.release();
    }
    const outputCosine = cosineSimilarity(logits[0], logits[1]);
    assert.ok(outputCosine > 0.98 && outputCosine < 0.999999, `the int8 model computes something close but not equal: output cosine ${outputCosine}`);
    const events: number[] = [];
    const [drift] = await explanationDrift(floatFile, quantizedFile, [kitten], undefined, { onEvent: (e) => e.type === 'progress' && events.push(e.done) });
    assert.deepEqual(events, [1]);
    assert.equal(drift.image, kitten);
    assert.deepEqual(drift.floatCam.dims, [7, 7]);
    assert.deepEqual(drift.quantizedCam.dims, [7, 7]);
    assert.ok(Math.max(...drift.floatCam.data) === 1 && Math.max(...drift.quantizedCam.data) === 1, 'maps normalized to 0-1');
    assert.ok(Math.abs(drift.cosine - cosineSimilarity(drift.floatCam.data, drift.quantizedCam.data)) < 1e-9);
    assert.ok(drift.cosine >= 0.95, `Grad-CAM cosine ${drift.cosine}`);
    console.log(`      kitten: classes ${drift.floatClass} / ${drift.quantizedClass}, output cosine ${outputCosine.toFixed(5)}, Grad-CAM cosine ${drift.cosine.toFixed(4)}`);
  });

  it('gradients pass through the Q/DQ pairs of layer4: Grad-CAM at layer3 of the int8 model follows the float one', async () => {
    const float = await Explainer.open(floatFile, { sampleImage: kitten });
    const layer3 = Object.keys(float.shapes).filter((name) => /layer3.*Relu/.test(name) && float.shapes[name][2] === 14).pop()!;
    assert.ok(layer3, 'a layer3 ReLU output');
    await float.release();
    const [drift] = await explanationDrift(floatFile, quantizedFile, [kitten], undefined, { layer: layer3 });
    assert.deepEqual(drift.quantizedCam.dims, [14, 14]);
    assert.ok(drift.quantizedCam.data.some((v) => v > 0 && v < 1), 'a map with structure, not zeros');
    assert.ok(drift.cosine >= 0.9, `layer3 Grad-CAM cosine ${drift.cosine}`);
    console.log(`      ${layer3}: Grad-CAM cosine ${drift.cosine.toFixed(4)}`);
  });
});
