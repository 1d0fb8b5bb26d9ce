import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../../src/runtime/train/checkpoint';
import { SMALL_CNN_NAME } from '../../../src/runtime/train/builtin-small-cnn';
import { writeSampleDataset } from '../../../src/runtime/train/sample-dataset';
import { TrainControl, train } from '../../../src/runtime/train/trainer';
import type { StepEngineSetup, TrainConfig, TrainEvent } from '../../../src/runtime/train/types';
import { SoftmaxRegressionEngine } from './helpers/softmax-engine';

describe('trainer loop (with an independent softmax-regression engine)', function () {
  this.timeout(300_000);
  let tmp: string;
  let data: string;
  let counter = 0;
  const out = () => path.join(tmp, `model-${++counter}.json`);

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-trainer-'));
    data = path.join(tmp, 'digits');
    await writeSampleDataset(data, { perClass: 12 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function engineFactory() {
    const made: { engine?: SoftmaxRegressionEngine; setup?: StepEngineSetup; builds: number; steps: number[] } = { builds: 0, steps: [] };
    const createEngine = async (setup: StepEngineSetup) => {
      made.setup = setup;
      made.builds++;
      made.engine = new SoftmaxRegressionEngine(setup, 0.9, made.steps);
      return made.engine;
    };
    return { made, createEngine };
  }

  const base = (overrides: Partial<TrainConfig> = {}): TrainConfig => ({
    model: SMALL_CNN_NAME, data, out: out(), epochs: 3, batchSize: 16, learningRate: 0.05, schedule: 'cosine', seed: 11,
    augment: { shift: 2, rotate: 10, noise: 0.02 }, valSplit: 0.25, ...overrides,
  });

  it('trains epochs, streams events, checkpoints every epoch and writes the model and a summary', async () => {
    const { made, createEngine } = engineFactory();
    const events: TrainEvent[] = [];
    const config = base();
    const summary = await train(config, { createEngine, onEvent: (event) => events.push(event), stepEventSeconds: 0 });
    assert.ok(summary);
    assert.deepEqual(made.setup!.inputDims, [1, 1, 28, 28]);
    assert.equal(made.setup!.preprocessing.channels, 'gray');
    const types = events.map((event) => event.type);
    assert.equal(types[0], 'started');
    assert.equal(types.filter((type) => type === 'epoch').length, 3);
    assert.equal(types[types.length - 1], 'finished');
    const started = events[0] as Extract<TrainEvent, { type: 'started' }>;
    assert.deepEqual([started.trainImages, started.valImages, started.provider], [90, 30, 'js-test']);
    // 90 images in batches of 16: 6 steps an epoch, each reported, with the cosine rate falling.
    const steps = events.filter((event): event is Extract<TrainEvent, { type: 'step' }> => event.type === 'step');
    assert.equal(steps.length, 18);
    assert.deepEqual(made.steps.length, 18);
    assert.equal(made.builds, 3, 'the engine is rebuilt (reseeded) for every epoch after the first');
    assert.notEqual(made.setup!.config.seed, 11);
    assert.equal(made.steps[0], 0.05);
    assert.ok(made.steps[17] < 0.002);
    assert.equal(steps[17].etaSeconds, 0);
    const epochs = events.filter((event): event is Extract<TrainEvent, { type: 'epoch' }> => event.type === 'epoch');
    assert.ok(epochs[2].metrics.loss < epochs[0].metrics.loss, 'the loss falls');
    assert.ok(epochs[2].metrics.valAccuracy > 0.5, `val accuracy ${epochs[2].metrics.valAccuracy}`);
    assert.ok(fs.existsSync(config.out));
    const checkpoint = readCheckpoint(epochs[2].checkpoint);
    assert.equal(checkpoint.epoch, 3);
    assert.equal(checkpoint.step, 18);
    assert.deepEqual(checkpoint.tensors.weight.data, (await made.engine!.state()).weight.data);
    assert.equal(checkpoint.history.length, 3);
    assert.equal(summary.confusion.flat().reduce((a, b) => a + b, 0), 30);
    assert.equal(summary.valAccuracy, summary.confusion.reduce((sum, row, k) => sum + row[k], 0) / 30);
    assert.equal(summary.perClass.length, 10);
    assert.equal(summary.topLosses.length, 12);
    assert.ok(summary.topLosses[0].loss >= summary.topLosses[11].loss);
  });

  it('stop after epoch 1 then resume gives exactly the weights of an uninterrupted run with the same seed', async () => {
    const uninterrupted = engineFactory();
    await train(base(), { createEngine: uninterrupted.createEngine });

    const first = engineFactory();
    const control = new TrainControl();
    const events: TrainEvent[] = [];
    const stoppedConfig = base();
    const stoppedSummary = await train(stoppedConfig, {
      createEngine: first.createEngine, control,
      onEvent: (event) => { events.push(event); if (event.type === 'epoch') control.stop(); },
    });
    const stopped = events.find((event): event is Extract<TrainEvent, { type: 'stopped' }> => event.type === 'stopped');
    assert.ok(stopped && stoppedSummary);
    assert.equal(stoppedSummary.epoch, 1);
    assert.ok(fs.existsSync(stoppedConfig.out), 'a stopped run writes the model of its last epoch');

    const resumed = engineFactory();
    await train({ ...base(), resume: stopped.checkpoint }, { createEngine: resumed.createEngine });
    assert.deepEqual(await resumed.made.engine!.state(), await uninterrupted.made.engine!.state());
    assert.deepEqual(resumed.made.steps, uninterrupted.made.steps.slice(6));
  });

  it('stopped in the middle of an epoch, writes the model of the last completed epoch', async () => {
    const { createEngine } = engineFactory();
    const control = new TrainControl();
    const config = base();
    const events: TrainEvent[] = [];
    const summary = await train(config, {
      createEngine, control, stepEventSeconds: 0,
      onEvent: (event) => { events.push(event); if (event.type === 'step' && event.epoch === 2 && event.step === 3) control.stop(); },
    });
    assert.equal(summary!.epoch, 1);
    assert.equal(events.filter((event) => event.type === 'epoch').length, 1);
    const saved = JSON.parse(fs.readFileSync(config.out, 'utf8')) as { weight: number[] };
    assert.deepEqual(Float32Array.from(saved.weight), readCheckpoint(summary!.checkpoint).tensors.weight.data);
  });

  it('pauses and resumes between steps without changing the result', async () => {
    const plain = engineFactory();
    await train(base({ epochs: 1 }), { createEngine: plain.createEngine });
    const paused = engineFactory();
    const control = new TrainControl();
    const types: string[] = [];
    await train(base({ epochs: 1 }), {
      createEngine: paused.createEngine, control, stepEventSeconds: 0,
      onEvent: (event) => {
        types.push(event.type);
        if (event.type === 'step' && event.step === 2) {
          control.pause();
          setTimeout(() => control.resume(), 50);
        }
      },
    });
    assert.deepEqual(types.filter((type) => type === 'paused' || type === 'resumed'), ['paused', 'resumed']);
    assert.ok(types.indexOf('resumed') > types.indexOf('paused'));
    assert.deepEqual(await paused.made.engine!.state(), await plain.made.engine!.state());
  });

  it('stops early when the validation loss stops improving', async () => {
    const { createEngine } = engineFactory();
    const summary = await train(base({ epochs: 10, learningRate: 0, earlyStopping: 2 }), { createEngine });
    assert.equal(summary!.stoppedEarly, true);
    assert.equal(summary!.epoch, 3);
  });

  it('passes balanced class weights to the engine and oversamples to the largest class', async () => {
    const skewed = path.join(tmp, 'skewed');
    fs.cpSync(data, skewed, { recursive: true });
    for (const file of fs.readdirSync(path.join(skewed, '3')).slice(4)) fs.rmSync(path.join(skewed, '3', file));
    const { made, createEngine } = engineFactory();
    await train(base({ data: skewed, epochs: 1, classWeights: 'balanced', oversample: true, valSplit: 0 }), { createEngine });
    const weights = made.setup!.classWeights!;
    assert.ok(Math.abs(weights[3] / weights[0] - 3) < 1e-12, `${weights}`);
    // 10 classes topped up to 12 images: 120 samples in batches of 16.
    assert.equal(made.steps.length, 8);
  });

  it('refuses an existing output, a model whose head does not match the classes, and a checkpoint of other classes', async () => {
    const existing = path.join(tmp, 'existing.onnx');
    fs.writeFileSync(existing, 'mine');
    await assert.rejects(train(base({ out: existing }), engineFactory()), /existing.onnx already exists/);
    assert.equal(fs.readFileSync(existing, 'utf8'), 'mine');
    const wrongHead = async (setup: StepEngineSetup) => new SoftmaxRegressionEngine({ ...setup, classes: ['a', 'b'] });
    await assert.rejects(train(base(), { createEngine: wrongHead }), /the model has 2 outputs but .* has 10 classes/);

    const two = path.join(tmp, 'two');
    for (const name of ['a', 'b']) fs.cpSync(path.join(data, name === 'a' ? '0' : '1'), path.join(two, name), { recursive: true });
    const ckpt = path.join(tmp, 'other.ckpt');
    const { createEngine } = engineFactory();
    const config = base({ epochs: 1 });
    await train(config, { createEngine });
    fs.copyFileSync(`${config.out}.checkpoints/last.ckpt`, ckpt);
    await assert.rejects(train({ ...base({ data: two }), resume: ckpt }, engineFactory()), /has classes a, b; the checkpoint was trained on 0, 1, 2/);
  });

  it('reads back a checkpoint exactly and rejects a truncated or foreign file', () => {
    const file = path.join(tmp, 'round.ckpt');
    const tensors = { w: { data: Float32Array.from([1.5, -2, 3e-8]), dims: [3] }, 'adam.m': { data: new Float32Array([7]), dims: [1, 1] } };
    const info = { format: 'cnn-studio-checkpoint' as const, version: 1, epoch: 2, step: 9, random: { seed: 1, nextEpoch: 2 }, config: base(), classes: ['x', 'y'], preprocessing: {} as never, history: [], bestValLoss: Infinity, epochsWithoutImprovement: 0 };
    writeCheckpoint(file, { ...info, tensors });
    const back = readCheckpoint(file);
    assert.deepEqual(back.tensors.w.data, tensors.w.data);
    assert.deepEqual(back.tensors['adam.m'].dims, [1, 1]);
    assert.equal(back.bestValLoss, Infinity);
    assert.equal(back.step, 9);
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, fs.statSync(file).size - 4));
    assert.throws(() => readCheckpoint(file), /truncated \(tensor data\)/);
    fs.writeFileSync(file, 'hello world, not a checkpoint');
    assert.throws(() => readCheckpoint(file), /is not a CNN Studio checkpoint/);
  });
});
