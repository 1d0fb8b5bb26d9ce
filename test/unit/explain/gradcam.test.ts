import * as assert from 'node:assert/strict';
import { Explainer } from '../../../src/runtime/explain';
import { imageToTensor } from '../../../src/runtime/images';
import { sharedImage } from '../helpers/shared';
import { torchvisionModel } from '../predict/torchvision-models';
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
