import * as assert from 'node:assert/strict';
import { cosineSimilarity as cosine } from '../../../src/runtime/quantize/agreement';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { calibrate } from '../../../src/runtime/quantize/calibrate';
import { SymmetricHistogram } from '../../../src/runtime/quantize/calibrate/histogram';
import { collectors } from '../../../src/runtime/quantize/calibrate/collectors';
import { quantizeDynamic } from '../../../src/runtime/quantize/dynamic';
import { convertToFloat16 } from '../../../src/runtime/quantize/fp16';
import { prepareModel } from '../../../src/runtime/quantize/prepare';
import { foldBatchNormalization } from '../../../src/runtime/quantize/prepare/fold-batch-norm';
import { foldBiasAdd } from '../../../src/runtime/quantize/prepare/fold-bias-add';
import { foldConstants } from '../../../src/runtime/quantize/prepare/fold-constants';
import { upgradeToQuantizedOpset } from '../../../src/runtime/quantize/prepare/opset';
import { editableCopy } from '../../../src/runtime/quantize/graph-edit';
import { applyQdq, calibratedTensors, planQdq, type StaticSettings } from '../../../src/runtime/quantize/qdq';
import { integerRange, quantizeBias, quantizeWeight, quantParams } from '../../../src/runtime/quantize/quant-params';
import { buildModel, floats, int64s, makeNode, maxAbsDifference, randomValues, runOnce, valueInfo } from './graphs';

const x = randomValues(2 * 3 * 6 * 6, 1, 2);
const xDims = [2, 3, 6, 6];

/** x → Conv(4 filters, 3×3) → BatchNormalization → Relu → MaxPool → Flatten → Gemm(10) → Softmax */
function convNet(opset = 13) {
  const nodes = [
    makeNode('Conv', ['x', 'w', 'b'], ['conv'], 'conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    makeNode('BatchNormalization', ['conv', 'gamma', 'beta', 'mean', 'var'], ['bn'], 'bn'),
    makeNode('Relu', ['bn'], ['relu'], 'relu'),
    makeNode('MaxPool', ['relu'], ['pool'], 'pool', { kernel_shape: [2, 2], strides: [2, 2] }),
    makeNode('Flatten', ['pool'], ['flat'], 'flat'),
    makeNode('Gemm', ['flat', 'fc', 'fcb'], ['logits'], 'fc', { transB: 1 }),
    makeNode('Softmax', ['logits'], ['y'], 'softmax', opset < 13 ? {} : { axis: -1 }),
  ];
  const initializers = [
    floats('w', [4, 3, 3, 3], randomValues(108, 2, 0.5)), floats('b', [4], randomValues(4, 3, 0.1)),
    floats('gamma', [4], [0.5, 1.5, 1, 2]), floats('beta', [4], [0.1, -0.2, 0.3, 0]),
    floats('mean', [4], [0.2, -0.1, 0, 0.3]), floats('var', [4], [0.5, 1.2, 2, 0.8]),
    floats('fc', [10, 36], randomValues(360, 4, 0.3)), floats('fcb', [10], randomValues(10, 5, 0.1)),
  ];
  return buildModel(nodes, [valueInfo('x', xDims)], [valueInfo('y', [2, 10])], initializers, opset);
}

const settings: StaticSettings = { perChannel: true, activations: 'uint8', symmetric: false, reduceRange: false, exclude: [] };

describe('quantize: prepare passes', () => {
  it('folds Conv + BatchNormalization into one Conv with the same output', async () => {
    const model = convNet();
    const folded = foldBatchNormalization(editableCopy(model));
    assert.ok(!folded.graph.node.some((node) => node.op_type === 'BatchNormalization'));
    const difference = maxAbsDifference(await runOnce(model, 'x', x, xDims), await runOnce(folded, 'x', x, xDims));
    assert.ok(difference < 1e-5, `max difference ${difference}`);
  });

  it('moves a per-channel bias Add into the Conv, and MatMul + Add into a Gemm', async () => {
    const nodes = [
      makeNode('Conv', ['x', 'w'], ['conv'], 'conv', { kernel_shape: [3, 3] }),
      makeNode('Add', ['conv', 'bias'], ['sum'], 'add'),
      makeNode('Flatten', ['sum'], ['flat'], 'flat'),
      makeNode('MatMul', ['flat', 'fc'], ['mm'], 'mm'),
      makeNode('Add', ['mm', 'fcb'], ['y'], 'add2'),
    ];
    const model = buildModel(nodes, [valueInfo('x', xDims)], [valueInfo('y', [2, 5])], [
      floats('w', [4, 3, 3, 3], randomValues(108, 6)), floats('bias', [4, 1, 1], [1, 2, 3, 4]),
      floats('fc', [64, 5], randomValues(320, 7)), floats('fcb', [5], [1, -1, 0.5, 0, 2]),
    ]);
    const folded = foldBiasAdd(editableCopy(model));
    assert.deepEqual(folded.graph.node.map((node) => node.op_type), ['Conv', 'Flatten', 'Gemm']);
    assert.ok(maxAbsDifference(await runOnce(model, 'x', x, xDims), await runOnce(folded, 'x', x, xDims)) < 1e-4);
  });

  it('evaluates a Reshape of a weight once, so the MatMul reads an initializer', async () => {
    const model = buildModel([
      makeNode('Reshape', ['w', 'shape'], ['w2'], 'reshape'),
      makeNode('MatMul', ['x', 'w2'], ['y'], 'mm'),
    ], [valueInfo('x', [1, 6])], [valueInfo('y', [1, 2])], [floats('w', [3, 2, 2], randomValues(12, 8)), int64s('shape', [6, -1])]);
    const folded = foldConstants(editableCopy(model));
    assert.deepEqual(folded.graph.node.map((node) => node.op_type), ['MatMul']);
    const input = randomValues(6, 9);
    assert.ok(maxAbsDifference(await runOnce(model, 'x', input, [1, 6]), await runOnce(folded, 'x', input, [1, 6])) < 1e-6);
  });

  it('rewrites an opset-7 Softmax over [1, C, 1, 1] to opset 13 with the same result', async () => {
    const model = buildModel([makeNode('Softmax', ['x'], ['y'], 'softmax')], [valueInfo('x', [1, 5, 1, 1])], [valueInfo('y', [1, 5, 1, 1])], [], 7);
    const upgraded = upgradeToQuantizedOpset(editableCopy(model));
    assert.equal(Number(upgraded.opset_import[0].version), 13);
    const input = randomValues(5, 10, 3);
    const difference = maxAbsDifference(await runOnce(model, 'x', input, [1, 5, 1, 1]), await runOnce(upgraded, 'x', input, [1, 5, 1, 1]));
    assert.ok(difference < 1e-6, `difference ${difference}`);
  });
});

describe('quantize: quantization arithmetic', () => {
  it('computes onnxruntime scales and zero points', () => {
    assert.deepEqual(quantParams(-1, 3, integerRange('uint8', false), false), { scale: Math.fround(4 / 255), zeroPoint: 64 });
    assert.deepEqual(quantParams(0.5, 2, integerRange('int8', false), false), { scale: Math.fround(2 / 255), zeroPoint: -128 });
    assert.equal(quantParams(-2, 1, integerRange('uint8', true), true).zeroPoint, 128);
    assert.deepEqual(integerRange('int8', true, true), { qmin: -64, qmax: 64 });
  });

  it('quantizes weights symmetrically per channel and biases to int32 with x_scale · w_scale', () => {
    const weight = quantizeWeight(Float32Array.of(1, -0.5, 0.25, 2, -4, 1), [2, 3], 0, false);
    assert.deepEqual(Array.from(weight.values), [127, -64, 32, 64, -127, 32]);
    assert.deepEqual(Array.from(weight.scales), [Math.fround(1 / 127), Math.fround(4 / 127)]);
    const bias = quantizeBias(Float32Array.of(0.1, -0.2), 0.01, weight.scales);
    assert.ok(Math.abs(bias.values[0] * bias.scales[0] - 0.1) <= bias.scales[0] / 2);
    assert.ok(Math.abs(bias.values[1] * bias.scales[1] + 0.2) <= bias.scales[1] / 2);
  });

  it('keeps a fixed-size histogram when values grow, and the percentile and entropy ranges clip outliers', () => {
    const histogram = new SymmetricHistogram(8);
    histogram.add(Float32Array.of(-1, 1, 0.5));
    histogram.add(Float32Array.of(3.5));
    assert.equal(histogram.threshold, 4);
    assert.equal(histogram.counts.reduce((a, b) => a + b, 0), 4);
    const values = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 0.5);
    values[7] = 40;
    for (const method of ['percentile', 'entropy'] as const) {
      const collector = collectors[method]({ percentile: 99.9, symmetric: false });
      collector.add(values);
      const range = collector.range();
      assert.ok(range.max < 5 && range.max > 0.3, `${method}: ${JSON.stringify(range)}`);
    }
    const minmax = collectors.minmax({ percentile: 99.9, symmetric: false });
    minmax.add(values);
    assert.equal(minmax.range().max, 40);
  });
});

describe('quantize: QDQ, dynamic and float16 passes', () => {
  const prepared = prepareModel(convNet(7));
  const ranges = async (plan: ReturnType<typeof planQdq>) => {
    async function* images() { yield { file: 'x', input: { data: x, dims: xDims } }; }
    return (await calibrate(prepared, 'x', calibratedTensors(plan), images(), { method: 'minmax', percentile: 99.999, symmetric: false })).ranges;
  };

  it('quantizes Conv and Gemm with int8 weights, int32 biases, folds Relu and keeps Softmax float', async () => {
    const plan = planQdq(prepared, settings);
    assert.deepEqual(plan.folded.map(({ activation }) => activation.op_type), ['Relu']);
    assert.ok(plan.keptFloat.some((entry) => entry.opType === 'Softmax' && /no int8 kernel/.test(entry.reason)));
    const quantized = applyQdq(prepared, plan, await ranges(plan), settings);
    const types = new Map(quantized.graph.initializer.map((tensor) => [tensor.name, tensor.data_type]));
    const conv = quantized.graph.node.find((node) => node.op_type === 'Conv')!;
    const weightDq = quantized.graph.node.find((node) => node.output[0] === conv.input[1])!;
    assert.equal(types.get(weightDq.input[0]), DataType.INT8);
    const biasDq = quantized.graph.node.find((node) => node.output[0] === conv.input[2])!;
    assert.equal(types.get(biasDq.input[0]), DataType.INT32);
    assert.ok(!quantized.graph.node.some((node) => node.op_type === 'Relu'));
    const similarity = cosine(await runOnce(prepared, 'x', x, xDims), await runOnce(quantized, 'x', x, xDims));
    assert.ok(similarity > 0.99, `cosine ${similarity}`);
  });

  it('leaves excluded nodes float by name and by op type', () => {
    const plan = planQdq(prepared, { ...settings, exclude: ['fc', 'MaxPool'] });
    assert.deepEqual(plan.keptFloat.filter((entry) => entry.reason.startsWith('excluded')).map((entry) => [entry.name, entry.reason]), [
      ['pool', 'excluded by op type MaxPool'], ['fc', 'excluded by name'],
    ]);
    assert.deepEqual(plan.nodes.map(({ node }) => node.op_type), ['Conv']);
  });

  it('dynamic mode: MatMulInteger for the Gemm, int8 weights with DequantizeLinear for the Conv', async () => {
    const { model } = quantizeDynamic(prepared, { perChannel: true, reduceRange: false, exclude: [] });
    const types = model.graph.node.map((node) => node.op_type);
    for (const op of ['DynamicQuantizeLinear', 'MatMulInteger', 'DequantizeLinear', 'Conv']) assert.ok(types.includes(op), op);
    assert.ok(!types.includes('Gemm'));
    assert.ok(maxAbsDifference(await runOnce(prepared, 'x', x, xDims), await runOnce(model, 'x', x, xDims)) < 0.02);
  });

  it('float16 mode: float16 weights, float32 graph input and output kept on request', async () => {
    const { model } = await convertToFloat16(prepared, true);
    assert.ok(model.graph.initializer.filter((t) => t.name === 'fc').every((t) => t.data_type === DataType.FLOAT16));
    assert.equal(model.graph.input[0].type?.tensor_type?.elem_type, DataType.FLOAT);
    assert.ok(maxAbsDifference(await runOnce(prepared, 'x', x, xDims), await runOnce(model, 'x', x, xDims)) < 2e-3);
  });
});
