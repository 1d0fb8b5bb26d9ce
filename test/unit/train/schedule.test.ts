import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { learningRateAt } from '../../../src/runtime/train/schedule';
import { findLearningRate, steepestDescent } from '../../../src/runtime/train/lr-finder';
import { seededRandom } from '../../../src/runtime/random';
import { gaussian } from '../../../src/runtime/train/data/augment';
import { SoftmaxRegressionEngine } from './helpers/softmax-engine';

/** PyTorch's schedulers' learning rate before each of `steps` optimizer steps. */
function pytorchRates(scheduler: string, steps: number): number[] {
  const script = `
import json, torch
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=0.1)
sched = ${scheduler}
rates = []
for _ in range(${steps}):
    rates.append(opt.param_groups[0]['lr'])
    opt.step()
    sched.step()
print(json.dumps(rates))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })) as number[];
}

function assertClose(actual: number[], expected: number[], tolerance = 1e-9) {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])), `step ${i}: ${value} vs ${expected[i]}`));
}

describe('learning-rate schedules', function () {
  this.timeout(120_000);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('one-cycle, cosine and step equal PyTorch\'s OneCycleLR, CosineAnnealingLR and StepLR', () => {
    const total = 50;
    assertClose(range(total).map((s) => learningRateAt(s, { schedule: 'one-cycle', learningRate: 0.1, stepsPerEpoch: 5, totalSteps: total })),
      pytorchRates(`torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=${total})`, total));
    assertClose(range(total).map((s) => learningRateAt(s, { schedule: 'cosine', learningRate: 0.1, stepsPerEpoch: 5, totalSteps: total })),
      pytorchRates(`torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=${total})`, total));
    // StepLR stepped per epoch of 5 steps: step_size 3 epochs = 15 steps.
    assertClose(range(total).map((s) => learningRateAt(s, { schedule: 'step', learningRate: 0.1, stepsPerEpoch: 5, totalSteps: total, stepSize: 3, gamma: 0.5 })),
      pytorchRates('torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.5)', total));
  });

  it('warms up linearly, then follows the schedule', () => {
    const options = { schedule: 'cosine' as const, learningRate: 0.2, stepsPerEpoch: 10, totalSteps: 100, warmupSteps: 10 };
    assertClose(range(10).map((s) => learningRateAt(s, options)), range(10).map((s) => (0.2 * (s + 1)) / 10));
    assert.equal(learningRateAt(10, options), 0.2);
    assert.ok(Math.abs(learningRateAt(55, options) - 0.1) < 1e-12);
    assert.equal(learningRateAt(7, { schedule: 'constant', learningRate: 0.3, stepsPerEpoch: 10, totalSteps: 100 }), 0.3);
  });
});

describe('learning-rate finder', function () {
  this.timeout(120_000);

  it('finds the steepest descent of the loss on a toy problem before it diverges, and restores the weights', async () => {
    // Two Gaussian blobs in 8 dimensions, separable: softmax regression.
    const random = seededRandom(5);
    const features = 8;
    const engine = new SoftmaxRegressionEngine({ config: { model: '', data: '', out: '' }, classes: ['a', 'b'], inputDims: [1, features], preprocessing: {} as never }, 0);
    const before = await engine.state();
    const nextBatch = async () => {
      const n = 32;
      const batch = new Float32Array(n * features);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = i % 2;
        for (let d = 0; d < features; d++) batch[i * features + d] = (labels[i] ? 0.5 : -0.5) + gaussian(random);
      }
      return { batch, dims: [n, features], labels };
    };
    const curve = await findLearningRate(engine, nextBatch, { minLearningRate: 1e-5, maxLearningRate: 1e4, steps: 100 });
    assert.equal(curve.diverged, true, 'a rate of 1e4 diverges');
    assert.ok(curve.points.length < 100 && curve.points.length > 50);
    assert.ok(curve.suggested > 1e-3 && curve.suggested < 100, `suggested ${curve.suggested}`);
    assert.deepEqual(await engine.state(), before);
    // The suggestion trains: a few steps at that rate lower the loss well below log 2.
    let loss = Infinity;
    for (let i = 0; i < 20; i++) loss = (await engine.trainStep(...Object.values(await nextBatch()) as [Float32Array, number[], Int32Array], curve.suggested)).loss;
    assert.ok(loss < 0.45, `loss ${loss}`);
  });

  it('steepest descent is the most negative slope against log rate before the minimum', () => {
    const points = [1, 0.99, 0.9, 0.5, 0.45, 0.44, 2].map((smoothedLoss, i) => ({ learningRate: 10 ** (i - 3), smoothedLoss }));
    assert.equal(steepestDescent(points), 1);
  });
});
