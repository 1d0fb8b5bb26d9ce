import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Explainer } from '../../../src/runtime/explain';
import { imageToTensor } from '../../../src/runtime/images';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { sharedImage } from '../helpers/shared';
import { cacheDir, runPython, torchvisionModel } from '../predict/torchvision-models';
import { assertMapsAgree, pytorchReference } from './reference';

const cases = [
  { model: 'resnet18', module: 'layer4', image: 'kitten_224.png' },
  { model: 'mobilenet_v2', module: 'features', image: 'cat.jpg' },
];

describe('explain: Grad-CAM and Grad-CAM++ against PyTorch autograd', function () {
  this.timeout(300000);
  for (const { model, module, image } of cases) {
    it(`${model} (seeded export): default layer, top class and both maps match`, async () => {
      const file = torchvisionModel(model);
      const explainer = await Explainer.open(file, { sampleImage: sharedImage(image) });
      try {
        const { data: input } = await imageToTensor(sharedImage(image), explainer.preprocessing);
        const reference = pytorchReference({ model, input, layer: module, size: 224, methods: ['gradcam', 'gradcam++'] });
        for (const method of ['gradcam', 'gradcam++']) {
          const explanation = await explainer.explain(sharedImage(image), { method });
          assert.equal(explanation.targetClass, reference.class, 'class defaults to the top prediction');
          assert.ok(Math.abs(explanation.score - reference.score) <= 1e-3 * Math.abs(reference.score), `score ${explanation.score} vs ${reference.score}`);
          assert.equal(explanation.layer!.dims.length, 4);
          const agreement = assertMapsAgree(`${model} ${method}`, explanation.cam, reference.cam[method]);
          console.log(`      ${model} ${method}: layer ${explanation.layer!.tensor} ${explanation.cam.size.join('×')}, cosine ${agreement.cosine.toFixed(6)}, max rel err ${agreement.relative.toExponential(2)}`);
        }
        const other = reference.logits.map((logit, index) => ({ logit, index })).sort((a, b) => b.logit - a.logit)[1].index;
        const forOther = await explainer.explain(sharedImage(image), { method: 'gradcam', targetClass: other });
        const otherReference = pytorchReference({ model, input, layer: module, size: 224, methods: ['gradcam'], targetClass: other });
        assert.equal(forOther.targetClass, other);
        assertMapsAgree(`${model} gradcam class ${other}`, forOther.cam, otherReference.cam.gradcam);
      } finally {
        await explainer.release();
      }
    });
  }
});

describe('explain: the default layer of a model whose output is a map', function () {
  this.timeout(300000);
  it('segmentation (lraspp_mobilenet_v3_large): the last feature map before the classifier, not the class maps or the output', async () => {
    const file = torchvisionModel('lraspp_mobilenet_v3_large');
    const image = sharedImage('cat.jpg');
    const explainer = await Explainer.open(file, { sampleImage: image });
    try {
      const explanation = await explainer.explain(image, { method: 'gradcam' });
      const layer = explanation.layer!;
      assert.equal(layer.dims.length, 4);
      assert.notEqual(layer.dims[1], 21, `${layer.tensor} holds the 21 class maps`);
      assert.ok(layer.dims[2] > 1 && layer.dims[3] > 1);
      const model = readModelFile(file);
      const weightDims = new Map(model.graph.initializer.map((tensor) => [tensor.name, tensor.dims.map(Number)]));
      const classifiers = model.graph.node.filter((node) => node.op_type === 'Conv' && node.input[0] === layer.tensor && weightDims.get(node.input[1])?.[0] === 21);
      assert.equal(classifiers.length, 1, `${layer.tensor} feeds the high-resolution branch's 1×1 classifier`);
      assert.deepEqual(explanation.cam.size, layer.dims.slice(2));
    } finally {
      await explainer.release();
    }
  });
});

describe('explain: the default layer is one the output depends on through a gradient', function () {
  this.timeout(120000);
  it('a map read only by an ArgMax (a keypoint decoder\'s centre-weighted scores) is passed over for the scores themselves', async () => {
    const file = path.join(cacheDir(), `argmax-decoder-${process.pid}.onnx`);
    runPython('argmax_decoder.py', [file]);
    const image = sharedImage('kitten_224.png');
    const explainer = await Explainer.open(file, { sampleImage: image, overrides: { size: [8, 8] } });
    try {
      const explanation = await explainer.explain(image, { method: 'gradcam', targetClass: 1 });
      assert.equal(explanation.layer!.tensor, 'scores', 'not "weighted", which reaches the output only as ArgMax indices');
      assert.ok(Math.max(...explanation.cam.data) > 0, 'a map with a gradient behind it');
    } finally {
      await explainer.release();
      fs.rmSync(file, { force: true });
    }
  });
});
