import * as assert from 'node:assert/strict';
import type * as Tf from '@tensorflow/tfjs';
import { formatRuntimeInfo } from '../../../src/runtime/probe/report';
import { probeTfjsBackends } from '../../../src/runtime/probe/runtime-info';
import { initTfjsBackend, loadTfjs } from '../../../src/runtime/tfjs/backend';
import { WASM_BACKPROP_KERNELS } from '../../../src/runtime/tfjs/kernels';

const tf = loadTfjs();

/** Deterministic values in [-1, 1) (a linear congruential sequence), so both backends see the same inputs. */
function values(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

type GradCase = { name: string; shapes: number[][]; f: (...xs: Tf.Tensor[]) => Tf.Scalar };

const CASES: GradCase[] = [
  { name: 'conv2d stride 1 same', shapes: [[2, 9, 9, 3], [3, 3, 3, 4]], f: (x, w) => tf.conv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 1, 'same').square().sum() },
  { name: 'conv2d stride 2 same', shapes: [[2, 9, 8, 3], [3, 3, 3, 5]], f: (x, w) => tf.conv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 2, 'same').square().sum() },
  { name: 'conv2d stride 2 valid, 5×3 kernel', shapes: [[1, 11, 10, 2], [5, 3, 2, 4]], f: (x, w) => tf.conv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, [2, 2], 'valid').square().sum() },
  { name: 'conv2d stride 3 explicit padding', shapes: [[1, 10, 10, 2], [3, 3, 2, 3]], f: (x, w) => tf.conv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 3, [[0, 0], [1, 2], [2, 0], [0, 0]]).square().sum() },
  { name: 'fused conv2d + bias + relu', shapes: [[2, 8, 8, 3], [3, 3, 3, 4], [4]], f: (x, w, b) => tf.fused.conv2d({ x: x as Tf.Tensor4D, filter: w as Tf.Tensor4D, bias: b, strides: 2, pad: 'same', activation: 'relu' }).square().sum() },
  { name: 'depthwise stride 1 same', shapes: [[2, 9, 9, 3], [3, 3, 3, 1]], f: (x, w) => tf.depthwiseConv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 1, 'same').square().sum() },
  { name: 'depthwise stride 2 same, multiplier 2', shapes: [[2, 9, 8, 3], [3, 3, 3, 2]], f: (x, w) => tf.depthwiseConv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 2, 'same').square().sum() },
  { name: 'depthwise stride 2 valid', shapes: [[1, 10, 11, 4], [3, 3, 4, 1]], f: (x, w) => tf.depthwiseConv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 2, 'valid').square().sum() },
  // tfjs-core's own depthwise gradient refuses dilations above 1, on every backend.
  { name: 'depthwise stride 1 valid, 5×3 kernel, multiplier 3', shapes: [[2, 9, 9, 2], [5, 3, 2, 3]], f: (x, w) => tf.depthwiseConv2d(x as Tf.Tensor4D, w as Tf.Tensor4D, 1, 'valid').square().sum() },
  { name: 'fused depthwise + bias + relu6', shapes: [[2, 8, 8, 3], [3, 3, 3, 2], [6]], f: (x, w, b) => tf.fused.depthwiseConv2d({ x: x as Tf.Tensor4D, filter: w as Tf.Tensor4D, bias: b, strides: 2, pad: 'same', activation: 'relu6' }).square().sum() },
  { name: 'dense (fused matMul + bias + relu)', shapes: [[3, 7], [7, 5], [5]], f: (x, w, b) => tf.fused.matMul({ a: x as Tf.Tensor2D, b: w as Tf.Tensor2D, bias: b, activation: 'relu' }).square().sum() },
  { name: 'gather with repeated indices', shapes: [[6, 4]], f: (x) => tf.gather(x, tf.tensor1d([0, 2, 2, 5, 0, 2], 'int32')).square().sum() },
  // wasm's own MaxPoolGrad got these two wrong (by up to 2.5 against gradients of about 3-6); ties go to the first cell.
  { name: 'max pool 3×3 stride 2 same', shapes: [[2, 9, 8, 3]], f: (x) => tf.maxPool(x as Tf.Tensor4D, 3, 2, 'same').square().sum() },
  { name: 'max pool 2×2 stride 2 valid', shapes: [[1, 8, 10, 4]], f: (x) => tf.maxPool(x as Tf.Tensor4D, 2, 2, 'valid').square().sum() },
  { name: 'max pool 3×3 stride 2 valid, odd rows left over, ReLU ties', shapes: [[1, 10, 9, 2]], f: (x) => tf.maxPool(tf.relu(x) as Tf.Tensor4D, 3, 2, 'valid').square().sum() },
  { name: 'max pool 2×3 stride 1×2 same', shapes: [[2, 7, 9, 3]], f: (x) => tf.maxPool(x as Tf.Tensor4D, [2, 3], [1, 2], 'same').square().sum() },
  { name: 'gather on axis 1', shapes: [[3, 6, 2]], f: (x) => tf.gather(x, tf.tensor1d([1, 1, 4], 'int32'), 1).square().sum() },
];

async function gradientsOn(backend: string, testCase: GradCase): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const inputs = testCase.shapes.map((shape, i) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), 7 + i * 101), shape));
  const gradients = tf.grads(testCase.f)(inputs);
  const data = await Promise.all(gradients.map(async (gradient) => (await gradient.data()) as Float32Array));
  tf.dispose([...inputs, ...gradients]);
  return data;
}

function maxRelativeDifference(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  return worst;
}

describe('tfjs backend: wasm with the project-registered backprop kernels', function () {
  this.timeout(120000);
  let chosen: Awaited<ReturnType<typeof initTfjsBackend>>;
  before(async () => {
    chosen = await initTfjsBackend();
  });

  it('chooses wasm here (tfjs-node and tfjs-node-gpu not installed) and says why each better one was skipped', () => {
    assert.equal(chosen.backend, 'wasm');
    assert.deepEqual(chosen.tried.map(({ name, ok }) => [name, ok]), [['@tensorflow/tfjs-node-gpu', false], ['@tensorflow/tfjs-node', false], ['wasm', true]]);
    assert.match(chosen.tried[0].reason, /not installed/);
  });

  it('registers every kernel of the table for wasm', () => {
    const wasmKernels = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
    for (const make of WASM_BACKPROP_KERNELS) assert.ok(wasmKernels.has(make(tf).kernelName), make(tf).kernelName);
  });

  for (const testCase of CASES) {
    it(`gradients of ${testCase.name} on wasm equal the cpu backend's`, async () => {
      const expected = await gradientsOn('cpu', testCase);
      const actual = await gradientsOn('wasm', testCase);
      assert.equal(actual.length, expected.length);
      expected.forEach((reference, i) => {
        assert.equal(actual[i].length, reference.length);
        const difference = maxRelativeDifference(actual[i], reference);
        assert.ok(difference <= 1e-4, `input ${i}: max relative difference ${difference}`);
      });
    });
  }
  after(() => tf.setBackend(chosen.backend));
});

describe('tfjs backend: the runtime-info probe', function () {
  this.timeout(60000);
  it('reports the backend that tfjs models run on, and the backprop kernels added to wasm', async () => {
    const probed = await probeTfjsBackends();
    assert.equal(probed.chosen, (await initTfjsBackend()).backend);
    assert.match(probed.backends.find((backend) => backend.name === 'wasm')!.detail, /Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput, DepthwiseConv2dNativeBackpropFilter, UnsortedSegmentSum; replaced: MaxPoolGrad/);
    const text = formatRuntimeInfo({ node: 'v20', platform: 'linux-x64', onnxruntime: { version: null, error: 'absent', providers: [] }, tfjs: probed, gpu: { present: false, source: null, detail: 'none' } });
    assert.match(text, /tfjs models run on: wasm/);
  });
});
