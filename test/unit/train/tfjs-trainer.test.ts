import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { stepEngineFactory } from '../../../src/runtime/train/engines';
import { explainTfjsModel } from '../../../src/runtime/explain/tfjs-gradcam';
import { loadSharp } from '../../../src/runtime/images/decode';
import { mnistDigits, writeSampleDataset } from '../../../src/runtime/train/sample-dataset';
import { train } from '../../../src/runtime/train/trainer';
import type { EpochMetrics } from '../../../src/runtime/train/types';
import { loadSavedLayersModel, saveLayersModel } from './helpers/tfjs-models';

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
  const file = await saveLayersModel(model, dir);
  model.dispose();
  return file;
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
      const saved = await loadSavedLayersModel(out);
      const probabilities = saved.predict(tf.zeros([1, 28, 28, 1])) as Tf.Tensor;
      assert.deepEqual(probabilities.shape, [1, 10]);
      assert.ok(Math.abs((await probabilities.sum().data())[0] - 1) < 1e-4, 'the saved model still ends in its softmax');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('multi-label training of a TensorFlow.js layers model', function () {
  this.timeout(600_000);
  const root = path.resolve(__dirname, '../../..');
  before(() => execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }));

  it('two digits side by side (labels.csv): a new head trains with binary cross-entropy (loss falls), the saved model keeps its logits and says so, and predict reads them as sigmoids', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-multilabel-'));
    try {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 56, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      });
      const tiny = await saveLayersModel(model, path.join(dir, 'tiny'));
      model.dispose();
      // 96 images of two digits from {0, 1, 2} side by side, labelled with both (one label when they are the same).
      const names = ['zero', 'one', 'two'];
      const digits = names.map((_, label) => mnistDigits(label, 64));
      const data = path.join(dir, 'pairs');
      fs.mkdirSync(data);
      const rows = ['file,labels'];
      const sharp = loadSharp();
      for (let i = 0; i < 96; i++) {
        const [a, b] = [i % 3, Math.floor(i / 3) % 3];
        const pixels = new Uint8Array(28 * 56);
        for (let y = 0; y < 28; y++) {
          pixels.set(digits[a][i % 32].subarray(y * 28, (y + 1) * 28), y * 56);
          pixels.set(digits[b][32 + (i % 32)].subarray(y * 28, (y + 1) * 28), y * 56 + 28);
        }
        const file = `pair-${i}.png`;
        fs.writeFileSync(path.join(data, file), await sharp(Buffer.from(pixels), { raw: { width: 56, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer());
        rows.push(`${file},${[...new Set([names[a], names[b]])].join(';')}`);
      }
      fs.writeFileSync(path.join(data, 'labels.csv'), `${rows.join('\n')}\n`);

      const out = path.join(dir, 'trained', 'model.json');
      fs.mkdirSync(path.dirname(out));
      await assert.rejects(train({ model: tiny, data, out, epochs: 1 }, { createEngine: stepEngineFactory() }),
        /multi-label training needs a model that outputs logits, but its last layer "dense_Dense\d+" ends in softmax; train a new head/);
      const epochs: EpochMetrics[] = [];
      const summary = await train({ model: tiny, data, out, epochs: 5, batchSize: 16, learningRate: 3e-3, seed: 5, newHead: true }, {
        createEngine: stepEngineFactory(),
        onEvent: (event) => { if (event.type === 'epoch') epochs.push(event.metrics); },
      });
      assert.ok(summary?.multiLabel, 'the run is multi-label');
      console.log(`      loss ${epochs.map((epoch) => epoch.loss.toFixed(3)).join(' → ')}, validation micro-F1 ${summary.multiLabel.microF1.toFixed(3)}`);
      assert.ok(epochs[4].loss < epochs[0].loss * 0.9, `loss ${epochs.map((epoch) => epoch.loss.toFixed(3)).join(' → ')}`);

      // tfjs's own loader: the metadata, and the output is the new head's logits (no activation after it).
      const saved = await loadSavedLayersModel(out);
      assert.deepEqual(saved.getUserDefinedMetadata(), { 'cnnStudio.classNames': [...names].sort(), 'cnnStudio.outputActivation': 'sigmoid' });
      const lastLayer = saved.layers[saved.layers.length - 1];
      assert.equal((lastLayer.getConfig() as { activation?: string }).activation, 'linear');

      const image = path.join(data, 'pair-5.png');
      const run = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'predict', out, image, '--json', '--top', '3'], { encoding: 'utf8', cwd: root });
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { preprocessing: { range: string }; results: { outputs: { multiLabel: boolean; softmaxApplied: boolean; top: { index: number; label: string; score: number; probability: number }[] }[] }[] };
      const output = report.results[0].outputs[0];
      assert.equal(output.multiLabel, true);
      assert.equal(output.softmaxApplied, false);
      // The same image through tfjs directly: the raw output at each class is predict's score, its sigmoid the probability.
      assert.equal(report.preprocessing.range, '0-1');
      const raw = await sharp(image).extractChannel(0).raw().toBuffer();
      const logits = await (saved.predict(tf.tensor(Float32Array.from(raw, (value) => value / 255), [1, 28, 56, 1])) as Tf.Tensor).data();
      const probabilities = await tf.sigmoid(tf.tensor(logits)).data();
      for (const entry of output.top) {
        assert.ok(Math.abs(entry.score - logits[entry.index]) < 1e-4, `score of ${entry.label}: ${entry.score} vs tfjs ${logits[entry.index]}`);
        assert.ok(Math.abs(entry.probability - probabilities[entry.index]) < 1e-5);
        assert.equal(entry.label, [...names].sort()[entry.index]);
      }
      const explained = await explainTfjsModel(out, image, { method: 'gradcam', targetClass: output.top[0].index });
      assert.ok(Math.abs(explained.probability - probabilities[output.top[0].index]) < 1e-5, 'explain gives the class\'s sigmoid too');
      saved.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
