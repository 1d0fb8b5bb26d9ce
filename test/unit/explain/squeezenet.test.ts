import * as assert from 'node:assert/strict';
import { Explainer, displayHeat } from '../../../src/runtime/explain';
import { readLabels } from '../../../src/runtime/predict';
import { sharedImage, sharedModel } from '../helpers/shared';
import { loadSharp } from '../../../src/runtime/images/decode';

const sharp = loadSharp();

/** The kitten's silhouette in kitten_224.png: per row, everything between the first and last non-white pixel. */
async function kittenMask(): Promise<Uint8Array> {
  const { data, info } = await sharp(sharedImage('kitten_224.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mask = new Uint8Array(info.width * info.height);
  for (let y = 0; y < info.height; y++) {
    const dark: number[] = [];
    for (let x = 0; x < info.width; x++) {
      const p = (y * info.width + x) * 3;
      if (Math.min(data[p], data[p + 1], data[p + 2]) < 200) dark.push(x);
    }
    if (dark.length < 3) continue;
    for (let x = dark[0]; x <= dark[dark.length - 1]; x++) mask[y * info.width + x] = 1;
  }
  return mask;
}

describe('explain: pretrained SqueezeNet (float16 converted to float32) on kitten_224.png', function () {
  this.timeout(300000);
  it('top-1 is a cat and the Grad-CAM peak lies inside the kitten', async () => {
    const image = sharedImage('kitten_224.png');
    const explainer = await Explainer.open(sharedModel('SqueezeNet_fp16.onnx'), { sampleImage: image });
    try {
      const explanation = await explainer.explain(image, { method: 'gradcam' });
      const labels = readLabels(sharedModel('imagenet-labels.txt'));
      assert.match(labels[explanation.targetClass], /cat/, `top-1 ${explanation.targetClass} ${labels[explanation.targetClass]}`);
      assert.ok(explanation.targetClass >= 281 && explanation.targetClass <= 285, 'a domestic cat class');
      assert.ok(explanation.probability > 0.5);
      assert.equal(explanation.preprocessing.range, '0-255');
      const heat = displayHeat(explanation.cam, [224, 224], explanation.method);
      let peak = 0;
      for (let i = 1; i < heat.length; i++) if (heat[i] > heat[peak]) peak = i;
      const mask = await kittenMask();
      assert.equal(mask[peak], 1, `peak at (${peak % 224}, ${Math.floor(peak / 224)}) is outside the kitten`);
      let inside = 0;
      let total = 0;
      for (let i = 0; i < heat.length; i++) {
        total += heat[i];
        if (mask[i]) inside += heat[i];
      }
      console.log(`      class ${explanation.targetClass} (${labels[explanation.targetClass]}) p=${explanation.probability.toFixed(4)}, layer ${explanation.layer!.tensor} ${explanation.cam.size.join('×')}, peak (${peak % 224}, ${Math.floor(peak / 224)}), ${(100 * inside / total).toFixed(1)}% of the heat on the kitten, ${explanation.timings.totalMs.toFixed(0)} ms`);
    } finally {
      await explainer.release();
    }
  });
});
