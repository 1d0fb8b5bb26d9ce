import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as Tf from '@tensorflow/tfjs';
import { explainTfjsModel, loadLayersModelFile } from '../../../src/runtime/explain/tfjs-gradcam';
import { imageToTensor } from '../../../src/runtime/images';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedImage } from '../helpers/shared';
import { cosine, maxRelativeError } from './reference';
import { loadTfjs } from '../../../src/runtime/tfjs/backend';

const tf = loadTfjs();

describe('explain: Grad-CAM of a tfjs layers model (nsfwjs MobileNetV2)', function () {
  this.timeout(300000);
  let dir: string;
  let modelJson: string;
  before(async () => {
    await tf.setBackend('cpu');
    ({ dir, modelJson } = writeNsfwjsModelJson());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('equals Grad-CAM from a hand-written backward pass of the head (average pool, three dense layers, softmax) in tfjs ops', async () => {
    const image = sharedImage('kitten_224.png');
    const explanation = await explainTfjsModel(modelJson, image);
    assert.equal(explanation.layer, 'out_relu');
    assert.deepEqual(explanation.cam.size, [7, 7]);

    const model = await loadLayersModelFile(tf, modelJson);
    try {
      const { data, dims } = await imageToTensor(image, explanation.preprocessing);
      const input = tf.tensor(data, dims);
      const probabilities = await (model.predict(input) as Tf.Tensor).data();
      const top = probabilities.indexOf(Math.max(...probabilities));
      assert.equal(explanation.targetClass, top, 'class defaults to the top prediction');
      assert.ok(Math.abs(explanation.score - probabilities[top]) < 1e-5);

      const pool = model.getLayer('average_pooling2d_1').getConfig() as { poolSize: number[] };
      assert.deepEqual(pool.poolSize, [7, 7], 'the head below averages the whole 7×7 map');
      const activation = tf.model({ inputs: model.inputs, outputs: model.getLayer('out_relu').output as Tf.SymbolicTensor }).predict(input) as Tf.Tensor4D;
      const weights = (name: string) => model.getLayer(name).getWeights() as [Tf.Tensor2D, Tf.Tensor1D];
      const [w1, b1] = weights('dense_1');
      const [w2, b2] = weights('dense_2');
      const [w3, b3] = weights('dense_3');
      const pooled = activation.mean([1, 2]) as Tf.Tensor2D;
      const h1 = tf.relu(pooled.matMul(w1).add(b1)) as Tf.Tensor2D;
      const h2 = tf.relu(h1.matMul(w2).add(b2)) as Tf.Tensor2D;
      const p = tf.softmax(h2.matMul(w3).add(b3));
      // d p_c / d z = p_c (onehot_c − p), then back through each dense layer and its ReLU.
      const dz = tf.oneHot([top], 5).toFloat().sub(p).mul(p.slice([0, top], [1, 1])) as Tf.Tensor2D;
      const dh2 = dz.matMul(w3.transpose()).mul(h2.greater(0).cast('float32')) as Tf.Tensor2D;
      const dh1 = dh2.matMul(w2.transpose()).mul(h1.greater(0).cast('float32')) as Tf.Tensor2D;
      const dPooled = dh1.matMul(w1.transpose());
      // Grad-CAM weight = spatial mean of dA = dPooled / 49 at every position, so the weights are dPooled / 49.
      const expected = tf.relu(activation.mul(dPooled.div(49).reshape([1, 1, 1, -1])).sum(3)).reshape([-1]);
      const reference = Array.from(await expected.data());
      const similarity = cosine(explanation.cam.data, reference);
      const relative = maxRelativeError(explanation.cam.data, reference);
      console.log(`      nsfwjs MobileNetV2 Grad-CAM (class ${top}, p=${probabilities[top].toFixed(4)}): cosine ${similarity.toFixed(6)}, max rel err ${relative.toExponential(2)}`);
      assert.ok(reference.some((value) => value > 0));
      assert.ok(similarity >= 0.999, `cosine ${similarity}`);
      assert.ok(relative <= 1e-3, `max relative error ${relative}`);
    } finally {
      model.dispose();
    }
  });
});
