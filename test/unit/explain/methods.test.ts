import * as assert from 'node:assert/strict';
import { Explainer, resizeBilinear } from '../../../src/runtime/explain';
import { smoothGradInputs } from '../../../src/runtime/explain/methods/smoothgrad';
import { imageToTensor } from '../../../src/runtime/images';
import { sharedImage } from '../helpers/shared';
import { torchvisionModel } from '../predict/torchvision-models';
import { assertMapsAgree, pytorchReference, type Reference } from './reference';

// A 112×112 export keeps the many forward passes of Score-CAM and occlusion short: layer4 is 4×4×512.
const SIZE = 112;

describe('explain: the other attribution methods against independent PyTorch computations', function () {
  this.timeout(600000);
  let explainer: Explainer;
  let input: Float32Array;
  let reference: Reference;
  const image = sharedImage('kitten_224.png');

  before(async () => {
    const file = torchvisionModel('resnet18', 0, SIZE);
    explainer = await Explainer.open(file, { sampleImage: image });
    input = (await imageToTensor(image, explainer.preprocessing)).data;
    reference = pytorchReference({
      model: 'resnet18', input, layer: 'layer4', size: SIZE,
      methods: ['layercam', 'eigencam', 'scorecam', 'saliency', 'smoothgrad', 'integrated-gradients', 'occlusion'],
      noisy: smoothGradInputs(input),
    });
  });
  after(() => explainer?.release());

  for (const method of ['layercam', 'eigencam', 'scorecam', 'saliency', 'smoothgrad', 'integrated-gradients', 'occlusion']) {
    it(`${method} equals the PyTorch computation`, async () => {
      const explanation = await explainer.explain(image, { method });
      assert.equal(explanation.targetClass, reference.class);
      // SmoothGrad's mean of 25 noisy gradients cancels most of their magnitude, so each gradient's float32
      // rounding weighs more against the result than for the other methods.
      const limits = method === 'smoothgrad' ? { cosine: 0.999, relative: 5e-3 } : { cosine: 0.999, relative: 1e-3 };
      const agreement = assertMapsAgree(method, explanation.cam, reference.cam[method], limits);
      console.log(`      ${method}: ${explanation.cam.size.join('×')}, cosine ${agreement.cosine.toFixed(6)}, max rel err ${agreement.relative.toExponential(2)}, ${explanation.timings.totalMs.toFixed(0)} ms`);
    });
  }

  it('integrated gradients are complete: the map sums to score(x) − score(0)', async () => {
    const explanation = await explainer.explain(image, { method: 'integrated-gradients' });
    const total = explanation.cam.data.reduce((sum, value) => sum + value, 0);
    const { output: atZero } = await explainer.outputs(new Float32Array(input.length));
    const expected = explanation.score - atZero[explanation.targetClass];
    assert.ok(Math.abs(total - expected) <= 0.05 * Math.abs(expected), `sum ${total} vs ${expected}`);
  });

  it('resizes like torch bilinear with align_corners=False', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4), mode='bilinear', align_corners=False)
    const expected = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
    assert.deepEqual([...resizeBilinear([0, 1, 2, 3], [2, 2], [4, 4])], expected);
  });
});
