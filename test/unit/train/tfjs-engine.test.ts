import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { imageToTensor } from '../../../src/runtime/images';
import { Predictor } from '../../../src/runtime/predict';
import { initTfjsBackend } from '../../../src/runtime/tfjs/backend';
import { createTfjsEngine } from '../../../src/runtime/train/tfjs-engine';
import type { StepEngine } from '../../../src/runtime/train/types';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedImage } from '../helpers/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof Tf;

/** tfjs's own loader on a model folder read here: model.json and the shards it names. */
async function loadWithTfjs(modelJson: string): Promise<Tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const shards = json.weightsManifest.flatMap((group: { paths: string[] }) => group.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
  const data = Buffer.concat(shards);
  return tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer }) });
}

describe('train: TensorFlow.js layers model fine-tuning (nsfwjs MobileNetV2, new 2-class head)', function () {
  this.timeout(900000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-train-'));
  let nsfwjs: { dir: string; modelJson: string };
  let batch: { data: Float32Array; dims: number[] };
  // Two classes from the sample pictures: cats (the kitten, the cat photo) and not cats (the fish, the digit).
  const labels = Int32Array.from([0, 0, 1, 1]);
  before(async () => {
    await initTfjsBackend();
    nsfwjs = writeNsfwjsModelJson();
    const predictor = await Predictor.open(nsfwjs.modelJson);
    const inputs = [];
    for (const name of ['kitten_224.png', 'cat.jpg', 'fish.png', 'mnist_28.png']) inputs.push((await imageToTensor(sharedImage(name), predictor.preprocessing)).data);
    await predictor.release();
    const size = inputs[0].length;
    const data = new Float32Array(size * inputs.length);
    inputs.forEach((input, i) => data.set(input, i * size));
    batch = { data, dims: [inputs.length, 224, 224, 3] };
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(nsfwjs.dir, { recursive: true, force: true });
  });

  it('frozen up to block_16_project_BN, Adam: the loss falls; the saved model loads with tf.loadLayersModel and predicts the same', async () => {
    const out = path.join(tmp, 'fine-tuned', 'model.json');
    const engine: StepEngine = await createTfjsEngine({ model: nsfwjs.modelJson, data: tmp, out, newHead: true, freezeUntil: 'block_16_project_BN', optimizer: 'adam', seed: 1 }, 2);
    try {
      assert.match(engine.provider, /^tfjs /);
      assert.equal(engine.classes, 2);
      const before = await engine.state();
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const { loss, logits } = await engine.trainStep(batch.data, batch.dims, labels, 1e-3);
        assert.equal(logits.length, 8);
        losses.push(loss);
      }
      console.log(`      losses: ${losses.map((l) => l.toFixed(4)).join(', ')} (${engine.provider})`);
      assert.ok(losses[5] < losses[0] * 0.7, `loss ${losses[0]} → ${losses[5]}`);
      const after = await engine.state();
      const changed = (name: string) => after[name].data.some((v, i) => v !== before[name].data[i]);
      assert.ok(changed('weights/new_head/kernel') && changed('weights/Conv_1/kernel'), 'the head and the unfrozen Conv_1 train');
      assert.ok(!changed('weights/block_16_project/kernel') && !changed('weights/Conv1/kernel'), 'frozen layers keep their weights');
      assert.ok(Object.keys(after).some((key) => key.startsWith('optimizer/')), 'the optimizer state is in the checkpoint');

      const logits = await engine.predict(batch.data, batch.dims);
      await engine.save(out);
      await assert.rejects(engine.save(out), /exists already/);
      const reloaded = await loadWithTfjs(out);
      const probabilities = reloaded.predict(tf.tensor(batch.data, batch.dims)) as Tf.Tensor;
      const expected = tf.softmax(tf.tensor2d(logits, [4, 2])).dataSync();
      const actual = probabilities.dataSync();
      for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-4, `${actual[i]} vs ${expected[i]}`);
      assert.deepEqual(Array.from(tf.argMax(probabilities, 1).dataSync()), [0, 0, 1, 1], 'it has learned the four pictures');
      reloaded.dispose();
      const predictor = await Predictor.open(out);
      const prediction = (await predictor.predict(sharedImage('kitten_224.png'))).outputs[0];
      await predictor.release();
      assert.equal(prediction.kind, 'classification');
      if (prediction.kind === 'classification') assert.equal(prediction.top[0].index, 0);
    } finally {
      await engine.release();
    }
  });

  it('SGD with Nesterov momentum on the head only, checkpoint state round-trips; a head that does not match is refused', async () => {
    const config = { model: nsfwjs.modelJson, data: tmp, out: path.join(tmp, 'unused', 'model.json'), newHead: true, freezeUntil: 'dropout_3', optimizer: 'sgd' as const, momentum: 0.9, nesterov: true, seed: 2 };
    const engine = await createTfjsEngine(config, 2);
    const copy = await createTfjsEngine(config, 2);
    try {
      const first = (await engine.trainStep(batch.data, batch.dims, labels, 0.01)).loss;
      await engine.trainStep(batch.data, batch.dims, labels, 0.01);
      await copy.load(await engine.state());
      const [a, b] = [await engine.trainStep(batch.data, batch.dims, labels, 0.01), await copy.trainStep(batch.data, batch.dims, labels, 0.01)];
      assert.ok(Math.abs(a.loss - b.loss) < 1e-6, `resumed ${b.loss} vs ${a.loss}`);
      assert.ok(a.loss < first, `loss ${first} → ${a.loss}`);
    } finally {
      await engine.release();
      await copy.release();
    }
    await assert.rejects(createTfjsEngine({ ...config, newHead: false }, 2), /the head has 5 outputs but the data has 2 classes/);
    await assert.rejects(createTfjsEngine({ ...config, freezeUntil: 'no_such_layer' }, 2), /no layer named "no_such_layer"/);
  });
});
