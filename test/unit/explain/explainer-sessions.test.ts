import * as assert from 'node:assert/strict';
import { Explainer } from '../../../src/runtime/explain';
import { imageToTensor } from '../../../src/runtime/images';
import { sharedImage, sharedModel } from '../helpers/shared';

describe('explain: sessions reused across calls on one model', function () {
  this.timeout(120000);

  it('picks the top class inside the gradient run, keeps at most four gradient sessions, and gives the same map after one is released', async () => {
    const image = sharedImage('kitten_224.png');
    const explainer = await Explainer.open(sharedModel('ImageClassifier.onnx'), { sampleImage: image });
    try {
      const sessions = () => (explainer as unknown as { gradientSessions: Map<string, unknown> }).gradientSessions;
      const top = await explainer.explain(image, { method: 'gradcam' });
      const asked = await explainer.explain(image, { method: 'gradcam', targetClass: top.targetClass });
      const { output } = await explainer.outputs((await imageToTensor(image, explainer.preprocessing)).data);
      assert.equal(top.targetClass, output.indexOf(Math.max(...output)));
      assert.ok(Math.abs(top.score - output[top.targetClass]) <= 1e-5 * (1 + Math.abs(output[top.targetClass])), `score ${top.score} vs the forward pass's ${output[top.targetClass]}`);
      assert.deepEqual(Array.from(top.cam.data), Array.from(asked.cam.data));
      const first = await explainer.explain(image, { method: 'gradcam', targetClass: 0 });
      for (let targetClass = 1; targetClass < 6; targetClass++) {
        await explainer.explain(image, { method: 'gradcam', targetClass });
        assert.ok(sessions().size <= 4, `${sessions().size} gradient sessions kept`);
      }
      const again = await explainer.explain(image, { method: 'gradcam', targetClass: 0 });
      assert.deepEqual(Array.from(again.cam.data), Array.from(first.cam.data));
    } finally {
      await explainer.release();
    }
  });
});
