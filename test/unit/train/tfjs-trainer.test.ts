import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { stepEngineFactory } from '../../../src/runtime/train/engines';
import { writeSampleDataset } from '../../../src/runtime/train/sample-dataset';
import { train } from '../../../src/runtime/train/trainer';
import type { EpochMetrics } from '../../../src/runtime/train/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- tfjs loads lazily in the runtime too
const tf = require('@tensorflow/tfjs') as typeof Tf;

/** A small Keras-style CNN saved by tfjs itself as model.json + one shard. */
async function saveTinyModel(dir: string): Promise<string> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return path.join(dir, 'model.json');
}

describe('training a TensorFlow.js layers model through the trainer', function () {
  this.timeout(300_000);

  it('a model.json trains on a digits folder through tfjs (loss falls) and the saved model loads with tfjs\'s loader', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-trainer-'));
    try {
      const model = await saveTinyModel(path.join(dir, 'tiny'));
      const data = (await writeSampleDataset(path.join(dir, 'digits'), { perClass: 20 })).dir;
      const out = path.join(dir, 'trained', 'model.json');
      fs.mkdirSync(path.dirname(out));
      const epochs: EpochMetrics[] = [];
      const summary = await train({ model, data, out, epochs: 3, batchSize: 16, seed: 3 }, {
        createEngine: stepEngineFactory(),
        onEvent: (event) => { if (event.type === 'epoch') epochs.push(event.metrics); },
      });
      assert.ok(summary);
      assert.equal(epochs.length, 3);
      assert.match(epochs[0].provider, /^tfjs /);
      assert.ok(epochs[2].loss < epochs[0].loss, `loss ${epochs.map((epoch) => epoch.loss.toFixed(3)).join(' → ')}`);
      const json = JSON.parse(fs.readFileSync(out, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: Tf.io.WeightsManifestEntry[] }[] };
      const shards = json.weightsManifest.flatMap((group) => group.paths.map((file) => fs.readFileSync(path.join(path.dirname(out), file))));
      const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
      const saved = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((group) => group.weights), weightData }));
      const probabilities = saved.predict(tf.zeros([1, 28, 28, 1])) as Tf.Tensor;
      assert.deepEqual(probabilities.shape, [1, 10]);
      assert.ok(Math.abs((await probabilities.sum().data())[0] - 1) < 1e-4, 'the saved model still ends in its softmax');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
