import * as assert from 'node:assert/strict';
import { computeGradients } from '../../../src/runtime/grad/index';
import { makeAttribute, makeTensor } from '../../../src/runtime/grad/emitter';
import { createMessage, OnnxModel, OnnxNode, OnnxTensor } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { createSession, runSession, type TensorValue } from '../../../src/runtime/onnx/session';
import { seededRandom } from '../../../src/runtime/random';
import { randomProjection } from './gradient-check';

const node = (op_type: string, input: string[], output: string[], attributes: Record<string, number> = {}) =>
  createMessage<OnnxNode>('NodeProto', { name: output[0], op_type, input, output, attribute: Object.entries(attributes).map(([name, value]) => makeAttribute(name, value)) });

function integerTensor(name: string, dataType: number, dims: number[], values: number[]): OnnxTensor {
  const raw = dataType === DataType.UINT8 ? Uint8Array.from(values) : new Uint8Array(Int8Array.from(values).buffer);
  return createMessage('TensorProto', { name, data_type: dataType, dims, raw_data: raw });
}

const floatInput = (name: string, dims: number[]) => createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((dim_value) => ({ dim_value })) } } } });

function model(nodes: OnnxNode[], initializers: OnnxTensor[], inputs: [string, number[]][]): OnnxModel {
  return createMessage<OnnxModel>('ModelProto', {
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    graph: { name: 'qdq', node: nodes, input: inputs.map(([name, dims]) => floatInput(name, dims)), initializer: initializers, output: [createMessage('ValueInfoProto', { name: 'y', type: { tensor_type: { elem_type: DataType.FLOAT } } })] },
  });
}

interface QuantCase {
  /** The quantized operand: its dims, the quantization axis (undefined: per-tensor), scales, zero points and their type. */
  dims: number[];
  axis?: number;
  scales: number[];
  zeroPoints: number[];
  type: number;
  /** Builds the graph around `q_in → Q → DQ → dq` (or around the clipping surrogate, same names). */
  around: (operand: string) => { nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: [string, number[]][] };
}

const RANGES: Record<number, [number, number]> = { [DataType.UINT8]: [0, 255], [DataType.INT8]: [-128, 127] };

/**
 * The straight-through estimator is the gradient of a clipping surrogate, clip(x, (qmin − zp)·s, (qmax − zp)·s). With
 * the operand on the quantization grid (whole steps, none on a clipping bound or at 0), the quantized and the
 * surrogate graphs compute the same function downstream, and central differences of the surrogate with steps of a
 * tenth of a quantization step are the reference.
 */
async function checkStraightThrough(testCase: QuantCase, seed: number): Promise<{ error: number; saturated: number; passed: number }> {
  const next = seededRandom(seed);
  const [qmin, qmax] = RANGES[testCase.type];
  const count = testCase.dims.reduce((a, b) => a * b, 1);
  const axis = testCase.axis;
  const channelOf = (index: number) => (axis === undefined ? 0 : Math.floor(index / testCase.dims.slice(axis + 1).reduce((a, b) => a * b, 1)) % testCase.dims[axis]);
  // Levels spread beyond the integer range, so some elements saturate on both sides.
  const levels = Array.from({ length: count }, (_, i) => {
    const zero = testCase.zeroPoints[channelOf(i)];
    for (;;) {
      const level = Math.floor(next() * (qmax - qmin) * 1.6) + qmin - Math.round((qmax - qmin) * 0.3) - zero;
      if (level !== qmin - zero && level !== qmax - zero && level !== 0) return level;
    }
  });
  const values = Float32Array.from(levels, (level, i) => level * testCase.scales[channelOf(i)]);
  const paramDims = axis === undefined ? [] : [testCase.dims[axis]];
  const broadcastDims = testCase.dims.map((dim, i) => (i === axis ? dim : 1));
  const scale = makeTensor('scale', DataType.FLOAT, paramDims, testCase.scales);
  const zeroPoint = integerTensor('zero_point', testCase.type, paramDims, testCase.zeroPoints);
  const axisAttribute: Record<string, number> = axis === undefined ? {} : { axis };
  const quantized = testCase.around('dq');
  const qdq = model([
    node('QuantizeLinear', ['x', 'scale', 'zero_point'], ['q'], axisAttribute),
    node('DequantizeLinear', ['q', 'scale', 'zero_point'], ['dq'], axisAttribute),
    ...quantized.nodes,
  ], [scale, zeroPoint, ...quantized.initializers], [['x', testCase.dims], ...quantized.inputs]);
  const low = makeTensor('low', DataType.FLOAT, broadcastDims, testCase.scales.map((s, c) => (qmin - testCase.zeroPoints[c]) * s));
  const high = makeTensor('high', DataType.FLOAT, broadcastDims, testCase.scales.map((s, c) => (qmax - testCase.zeroPoints[c]) * s));
  const surrogateParts = testCase.around('clipped');
  const surrogate = model([node('Max', ['x', 'low'], ['raised']), node('Min', ['raised', 'high'], ['clipped']), ...surrogateParts.nodes], [low, high, ...surrogateParts.initializers], [['x', testCase.dims], ...surrogateParts.inputs]);

  const feeds: Record<string, TensorValue<Float32Array>> = { x: { data: values, dims: testCase.dims } };
  for (const [name, dims] of quantized.inputs) feeds[name] = { data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), dims };
  const forward = await createSession(qdq);
  const outputDims = (await runSession(forward, feeds, ['y'])).y.dims;
  await forward.release();
  const projection = randomProjection('y', outputDims, false);
  const analytic = await computeGradients(qdq, { objective: projection.objective, wrt: ['x'] }, { ...feeds, ...projection.extraFeeds });
  const reference = await createSession(surrogate);
  const objective = async (data: Float32Array) => projection.evaluate(await runSession(reference, { ...feeds, x: { data, dims: testCase.dims } }));
  assert.ok(Math.abs(analytic.objective - (await objective(values))) < 1e-4 * (1 + Math.abs(analytic.objective)), 'the surrogate computes the same objective');
  let error = 0;
  let scaleOfGradients = 1;
  const central: number[] = [];
  for (let i = 0; i < count; i++) {
    const step = 0.1 * testCase.scales[channelOf(i)];
    const plus = values.slice();
    const minus = values.slice();
    plus[i] += step;
    minus[i] -= step;
    central.push(((await objective(plus)) - (await objective(minus))) / (2 * step));
    scaleOfGradients = Math.max(scaleOfGradients, Math.abs(central[i]));
  }
  await reference.release();
  let saturated = 0;
  for (let i = 0; i < count; i++) {
    error = Math.max(error, Math.abs(analytic.gradients.x.data[i] - central[i]) / scaleOfGradients);
    const level = levels[i] + testCase.zeroPoints[channelOf(i)];
    if (level < qmin || level > qmax) {
      saturated++;
      assert.equal(analytic.gradients.x.data[i], 0, `element ${i} saturates (level ${level}) and gets no gradient`);
    }
  }
  return { error, saturated, passed: count - saturated };
}

describe('gradient rules: QuantizeLinear and DequantizeLinear (straight-through estimator)', () => {
  it('per-tensor uint8 activations with a zero point, into a Conv', async () => {
    const result = await checkStraightThrough({
      dims: [1, 3, 5, 5], scales: [0.02], zeroPoints: [128], type: DataType.UINT8,
      around: (operand) => ({ nodes: [node('Conv', [operand, 'w'], ['y'])], initializers: [], inputs: [['w', [4, 3, 3, 3]]] }),
    }, 3);
    assert.ok(result.saturated > 5 && result.passed > 30, JSON.stringify(result));
    assert.ok(result.error < 5e-3, `gradient differs from the surrogate's central differences by ${result.error.toExponential(2)}`);
  });

  it('per-axis int8 weights (axis 0, a zero point per channel) of a Conv', async () => {
    const result = await checkStraightThrough({
      dims: [4, 3, 3, 3], axis: 0, scales: [0.01, 0.03, 0.005, 0.02], zeroPoints: [0, 3, -5, 10], type: DataType.INT8,
      around: (operand) => ({ nodes: [node('Conv', ['image', operand], ['y'])], initializers: [], inputs: [['image', [2, 3, 5, 5]]] }),
    }, 5);
    assert.ok(result.saturated > 5 && result.passed > 50, JSON.stringify(result));
    assert.ok(result.error < 5e-3, `gradient differs from the surrogate's central differences by ${result.error.toExponential(2)}`);
  });

  it('per-axis int8 activations along the channel axis, through Relu and a Gemm', async () => {
    const result = await checkStraightThrough({
      dims: [2, 3], axis: 1, scales: [0.05, 0.01, 0.02], zeroPoints: [-3, 0, 7], type: DataType.INT8,
      around: (operand) => ({ nodes: [node('Relu', [operand], ['r']), node('Gemm', ['r', 'w'], ['y'])], initializers: [], inputs: [['w', [3, 4]]] }),
    }, 11);
    assert.ok(result.saturated > 0 && result.passed > 2, JSON.stringify(result));
    assert.ok(result.error < 5e-3, `gradient differs from the surrogate's central differences by ${result.error.toExponential(2)}`);
  });
});
