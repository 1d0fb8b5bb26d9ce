import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/runtime/random';
import { initTfjsBackend } from '../../../src/runtime/tfjs/backend';
import type { ManifestWeight } from '../../../src/runtime/tfjs/manifest';
import { writeTfjsModel } from '../../../src/runtime/tfjs/write-model';
import { createTfjsEngine } from '../../../src/runtime/train/tfjs-engine';
import type { TrainConfig } from '../../../src/runtime/train/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof Tf;
const python = process.env.CNN_STUDIO_TORCH_PYTHON ?? '/usr/bin/python3';
const script = path.resolve(__dirname, '../../../scripts/reference/optimizer_reference.py');

const [inputs, classes, samples, steps] = [6, 3, 8, 4];

/** A one-Dense-layer tfjs layers model (logits out) written as model.json + shard, and its weights. */
async function writeLinearModel(dir: string): Promise<{ modelJson: string; kernel: number[][]; bias: number[] }> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units: classes, name: 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 4 }) })] });
  let artifacts: Tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (result) => {
    artifacts = result;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const kernel = (await model.getWeights()[0].array()) as number[][];
  const bias = (await model.getWeights()[1].array()) as number[];
  model.dispose();
  const modelJson = path.join(dir, 'linear', 'model.json');
  writeTfjsModel(modelJson, { format: 'layers-model', modelTopology: artifacts!.modelTopology as Record<string, unknown> }, artifacts!.weightSpecs as ManifestWeight[], new Uint8Array(artifacts!.weightData as ArrayBuffer));
  return { modelJson, kernel, bias };
}

describe('train: the tfjs engine\'s losses and optimizers against PyTorch', function () {
  this.timeout(300000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-optim-'));
  const next = seededRandom(9);
  const x = Array.from({ length: samples }, () => Array.from({ length: inputs }, () => next() * 2 - 1));
  const labels = Array.from({ length: samples }, (_, i) => i % classes);
  const soft = x.map(() => {
    const raw = Array.from({ length: classes }, () => next() + 0.1);
    const sum = raw.reduce((a, b) => a + b, 0);
    return raw.map((v) => v / sum);
  });
  const multiHot = x.map((_, i) => Array.from({ length: classes }, (__, k) => ((i + k) % 2 === 0 ? 1 : 0)));
  let linear: { modelJson: string; kernel: number[][]; bias: number[] };
  before(async () => {
    await initTfjsBackend();
    linear = await writeLinearModel(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases: [string, Partial<TrainConfig>, boolean?][] = [
    ['SGD with Nesterov momentum and weight decay', { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0.05 }],
    ['Adam with L2 weight decay and label smoothing', { optimizer: 'adam', weightDecay: 0.01, labelSmoothing: 0.1 }],
    ['AdamW (decoupled weight decay) with class weights', { optimizer: 'adamw', weightDecay: 0.1, classWeights: [1, 2, 0.5] }],
    ['focal loss with class weights, plain SGD', { optimizer: 'sgd', momentum: 0, loss: 'focal', focalGamma: 2, classWeights: [0.5, 1, 3] }],
    ['distillation from soft targets (T = 3, alpha = 0.7)', { optimizer: 'adam', temperature: 3, alpha: 0.7 }, true],
    ['binary cross-entropy on multi-hot labels, Adam', { optimizer: 'adam', loss: 'binary-cross-entropy' }],
  ];
  for (const [title, settings, distill] of cases) {
    it(title, async () => {
      const learningRate = settings.optimizer === 'sgd' ? 0.1 : 0.01;
      const engine = await createTfjsEngine({ model: linear.modelJson, data: tmp, out: path.join(tmp, 'unused'), ...settings }, classes);
      const losses: number[] = [];
      try {
        for (let step = 0; step < steps; step++) {
          const targets = settings.loss === 'binary-cross-entropy' ? Float32Array.from(multiHot.flat()) : Int32Array.from(labels);
          losses.push((await engine.trainStep(Float32Array.from(x.flat()), [samples, inputs], targets, learningRate, distill ? Float32Array.from(soft.flat()) : undefined)).loss);
        }
        const state = await engine.state();
        const reference = JSON.parse(execFileSync(python, [script], {
          input: JSON.stringify({ kernel: linear.kernel, bias: linear.bias, x, labels, multiHot, steps, lr: learningRate, ...settings, soft: distill ? soft : undefined }),
          encoding: 'utf8',
        })) as { losses: number[]; kernel: number[][]; bias: number[] };
        losses.forEach((loss, i) => assert.ok(Math.abs(loss - reference.losses[i]) < 1e-5, `step ${i}: loss ${loss} vs PyTorch ${reference.losses[i]}`));
        const kernel = state['weights/linear/kernel'].data;
        reference.kernel.flat().forEach((value, i) => assert.ok(Math.abs(kernel[i] - value) < 1e-5, `kernel[${i}] ${kernel[i]} vs PyTorch ${value}`));
        reference.bias.forEach((value, i) => assert.ok(Math.abs(state['weights/linear/bias'].data[i] - value) < 1e-5, `bias[${i}]`));
      } finally {
        await engine.release();
      }
    });
  }
});
