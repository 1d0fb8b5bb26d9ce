import * as assert from 'node:assert/strict';
import { createMessage, encodeModel, OnnxModel, OnnxNode, OnnxValueInfo, readModelFile } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { convertFloat16ToFloat32 } from '../../../src/runtime/onnx/convert';
import { exposeTensors } from '../../../src/runtime/onnx/graph';
import { createSession, runSession, TensorValue } from '../../../src/runtime/onnx/session';
import { buildGradientModel, computeGradients, UnsupportedGradientError } from '../../../src/runtime/grad/index';
import { makeAttribute, makeTensor } from '../../../src/runtime/grad/emitter';
import { sharedModel } from '../helpers/shared';
import { CheckedObjective, finiteDifferenceError, modelTensor, randomProjection } from './gradient-check';
import { seededRandom } from '../../../src/runtime/random';

/**
 * A copy of the model whose listed initializers become graph inputs without a stored value, so that finite
 * differences can feed perturbed weights (onnxruntime ignores feeds for inputs that also have an initializer here).
 */
function feedable(model: OnnxModel, names: string[]): { model: OnnxModel; weights: Record<string, TensorValue<Float32Array | Float64Array>> } {
  const weights = Object.fromEntries(names.map((name) => [name, modelTensor(model, name)]));
  const listed = new Set(model.graph.input.map((input) => input.name));
  const extra = names.filter((name) => !listed.has(name)).map((name) => createMessage<OnnxValueInfo>('ValueInfoProto', {
    name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: weights[name].dims.map((d) => ({ dim_value: d })) } } },
  }));
  const initializer = model.graph.initializer.filter((tensor) => !names.includes(tensor.name ?? ''));
  return { model: { ...model, graph: { ...model.graph, initializer, input: [...model.graph.input, ...extra] } }, weights };
}

function randomImage(dims: number[], seed: number): TensorValue<Float32Array> {
  const next = seededRandom(seed);
  return { data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next()), dims };
}

function softmax(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const exps = Array.from(row, (v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

describe('whole-model gradients against finite differences', () => {
  it('mnist.onnx (opset 7): input, conv weight and reshaped dense weight under a random projection', async () => {
    const weights = ['Parameter5', 'Parameter193'];
    const { model, weights: values } = feedable(readModelFile(sharedModel('mnist.onnx')), weights);
    const feeds = { Input3: randomImage([1, 1, 28, 28], 3), ...values };
    const { error, checked } = await finiteDifferenceError(model, feeds, ['Input3', ...weights], randomProjection('Plus214_Output_0', [1, 10], false), { eps: 1e-3, coordinates: 12, smoothness: 2e-2 });
    assert.ok(checked >= 27, `only ${checked} of 36 coordinates lie where the model is smooth`);
    assert.ok(error < 2e-2, `relative error ${error}`);
  });

  it('ImageClassifier.onnx: batch-2 cross-entropy with respect to the input, first conv and dense weights', async () => {
    const weights = ['48', 'fc1.weight'];
    const { model, weights: values } = feedable(readModelFile(sharedModel('ImageClassifier.onnx')), weights);
    const feeds = { modelInput: randomImage([2, 3, 32, 32], 5), ...values };
    const labels = new Float32Array(20);
    labels[3] = 1;
    labels[10 + 7] = 1;
    const crossEntropy: CheckedObjective = {
      objective: { kind: 'cross-entropy', output: 'modelOutput', labelsInput: 'labels' },
      extraFeeds: { labels: { data: labels, dims: [2, 10] } },
      evaluate: (outputs) => {
        const logits = outputs.modelOutput.data as Float32Array;
        return -(Math.log(softmax(logits.subarray(0, 10))[3]) + Math.log(softmax(logits.subarray(10, 20))[7])) / 2;
      },
    };
    const { error } = await finiteDifferenceError(model, feeds, ['modelInput', ...weights], crossEntropy, { eps: 5e-3, coordinates: 10, smoothness: 1e-2 });
    assert.ok(error < 2e-2, `relative error ${error}`);
  });

  it('SqueezeNet 1.0 (opset 7, IR 3) after float32 conversion: the tabby logit / d last conv weights and bias', async () => {
    const weights = ['conv10_w_0', 'conv10_b_0'];
    const converted = exposeTensors(convertFloat16ToFloat32(readModelFile(sharedModel('SqueezeNet_fp16.onnx'))), ['pool10_1']);
    const { model, weights: values } = feedable(converted, weights);
    const image = randomImage([1, 3, 224, 224], 21);
    image.data.forEach((v, i) => { image.data[i] = v * 255; });
    const tabby: CheckedObjective = {
      objective: { kind: 'select', output: 'pool10_1', index: [0, 281, 0, 0] },
      extraFeeds: {},
      evaluate: (outputs) => (outputs.pool10_1.data as Float32Array)[281],
    };
    // Only class 281's filter moves the logit: check 24 of its 512 weights and its bias, plus a filter that must get zeros.
    const filter = (row: number) => Array.from({ length: 12 }, (_, i) => row * 512 + i * 41);
    const positions = { conv10_w_0: [...filter(281), ...filter(7)], conv10_b_0: [281, 7] };
    const { error, checked } = await finiteDifferenceError(model, { data_0: image, ...values }, weights, tabby, { eps: 1e-3, positions, smoothness: 1e-2, scaleFloor: 0 });
    assert.ok(checked >= 20, `only ${checked} coordinates lie where the model is smooth`);
    assert.ok(error < 1e-2, `error ${error} relative to the largest finite difference`);
  });

  it('softmax-prob of a class, with an intermediate activation returned', async () => {
    const model = readModelFile(sharedModel('mnist.onnx'));
    const feeds = { Input3: randomImage([1, 1, 28, 28], 9) };
    const probability: CheckedObjective = {
      objective: { kind: 'softmax-prob', output: 'Plus214_Output_0', index: [0, 4] },
      extraFeeds: {},
      evaluate: (outputs) => softmax(outputs.Plus214_Output_0.data as Float32Array)[4],
    };
    const { error } = await finiteDifferenceError(model, feeds, ['Input3'], probability, { eps: 5e-3, coordinates: 16, smoothness: 1e-2 });
    assert.ok(error < 2e-2, `relative error ${error}`);

    const result = await computeGradients(model, { objective: probability.objective, wrt: ['Input3', 'ReLU114_Output_0'], activations: ['ReLU114_Output_0'] }, feeds);
    const activation = result.activations.ReLU114_Output_0;
    assert.deepEqual(activation.dims, [1, 16, 14, 14]);
    assert.deepEqual(result.gradients.ReLU114_Output_0.dims, [1, 16, 14, 14]);
    // Relu's output gradient is masked nowhere, but the activation itself is 0 wherever the pre-activation was negative.
    assert.ok(activation.data.some((v) => v === 0) && activation.data.some((v) => v > 0));
    assert.ok(Math.abs(result.objective - probability.evaluate(result.outputs)) < 1e-6);
  });
});

describe('gradient builder', () => {
  it('builds from static shape inference alone; the model keeps a dynamic batch', async () => {
    const model = readModelFile(sharedModel('ImageClassifier.onnx'));
    const request = { objective: { kind: 'select' as const, output: 'modelOutput', index: [1, 6] }, wrt: ['modelInput'] };
    const built = buildGradientModel(model, request);
    const session = await createSession(built.model);
    const feeds = { modelInput: randomImage([3, 3, 32, 32], 12) };
    const results = await runSession(session, feeds);
    await session.release();
    const probed = await computeGradients(model, request, feeds);
    const gradient = results[built.gradientNames.modelInput];
    assert.deepEqual(gradient.dims, [3, 3, 32, 32]);
    assert.equal(Number(results[built.objectiveName].data[0]), probed.objective);
    const perImage = 3 * 32 * 32;
    const data = gradient.data as Float32Array;
    // Only image 1 influences output[1, 6].
    assert.ok(data.subarray(0, perImage).every((v) => v === 0) && data.subarray(2 * perImage).every((v) => v === 0));
    assert.ok(data.subarray(perImage, 2 * perImage).some((v) => v !== 0));
    assert.deepEqual(Array.from(data), Array.from(probed.gradients.modelInput.data));
  });

  it('select-argmax picks the largest output inside the graph and differentiates it like select at that index', async () => {
    const model = readModelFile(sharedModel('ImageClassifier.onnx'));
    const feeds = { modelInput: randomImage([1, 3, 32, 32], 21) };
    const forward = await createSession(model);
    const logits = (await runSession(forward, feeds)).modelOutput.data as Float32Array;
    await forward.release();
    const top = logits.indexOf(Math.max(...logits));
    const picked = await computeGradients(model, { objective: { kind: 'select-argmax', output: 'modelOutput' }, wrt: ['modelInput'] }, feeds);
    const selected = await computeGradients(model, { objective: { kind: 'select', output: 'modelOutput', index: [0, top] }, wrt: ['modelInput'] }, feeds);
    assert.equal(picked.selected, top);
    assert.equal(picked.objective, logits[top]);
    assert.deepEqual(Array.from(picked.gradients.modelInput.data), Array.from(selected.gradients.modelInput.data));
    assert.ok(picked.gradients.modelInput.data.some((value) => value !== 0));
  });

  function chain(ops: string[]): OnnxModel {
    const nodes = ops.map((op, i) => createMessage<OnnxNode>('NodeProto', { name: `${op.toLowerCase()}_${i}`, op_type: op, input: [i === 0 ? 'x' : `t${i - 1}`], output: [`t${i}`], attribute: [] }));
    const info = (name: string) => createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 2 }] } } } });
    return createMessage<OnnxModel>('ModelProto', {
      ir_version: 8,
      opset_import: [{ domain: '', version: 13 }],
      graph: { name: 'chain', node: nodes, input: [info('x')], output: [info(`t${ops.length - 1}`)] },
    });
  }

  it('names the operator and node of an unsupported operator on the path', () => {
    assert.throws(
      () => buildGradientModel(chain(['Relu', 'Sin', 'Tanh']), { objective: { kind: 'select', output: 't2', index: [0] }, wrt: ['x'] }),
      (error: unknown) => error instanceof UnsupportedGradientError && /Sin/.test((error as Error).message) && /sin_1/.test((error as Error).message),
    );
  });

  it('ignores unsupported operators off the path and leaves the source model untouched', () => {
    const model = chain(['Sin', 'Relu', 'Tanh']);
    const before = Buffer.from(encodeModel(model));
    const built = buildGradientModel(model, { objective: { kind: 'select', output: 't2', index: [1] }, wrt: ['t0'] });
    assert.ok(Buffer.from(encodeModel(model)).equals(before));
    assert.ok(built.model.graph.node.length > model.graph.node.length);
    assert.deepEqual(Object.keys(built.gradientNames), ['t0']);
  });

  it('differentiates through BatchNormalization parameters that are Identity copies of initializers (PyTorch exports)', async () => {
    const next = seededRandom(4);
    const tensor = (name: string, dims: number[], values?: number[]) =>
      makeTensor(name, DataType.FLOAT, dims, values ?? Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() - 0.5));
    const node = (op: string, input: string[], output: string, attribute: OnnxNode['attribute'] = []) =>
      createMessage<OnnxNode>('NodeProto', { name: output, op_type: op, input, output: [output], attribute });
    const info = (name: string, dims?: number[]) => createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: dims ? { dim: dims.map((d) => ({ dim_value: d })) } : undefined } } });
    const model = createMessage<OnnxModel>('ModelProto', {
      ir_version: 8,
      opset_import: [{ domain: '', version: 14 }],
      graph: {
        name: 'conv_bn',
        initializer: [tensor('w', [2, 2, 3, 3]), tensor('ones', [2], [1, 1]), tensor('zeros', [2], [0, 0])],
        node: [
          node('Identity', ['ones'], 'bn.weight'), node('Identity', ['zeros'], 'bn.bias'),
          node('Identity', ['zeros'], 'bn.mean'), node('Identity', ['ones'], 'bn.var'),
          node('Conv', ['x', 'w'], 'conv', [makeAttribute('pads', [1, 1, 1, 1])]),
          node('BatchNormalization', ['conv', 'bn.weight', 'bn.bias', 'bn.mean', 'bn.var'], 'y'),
        ],
        input: [info('x', [1, 2, 4, 4])],
        output: [info('y')],
      },
    });
    const feeds = { x: randomImage([1, 2, 4, 4], 8) };
    const { error } = await finiteDifferenceError(model, feeds, ['x'], randomProjection('y', [1, 2, 4, 4], false), { eps: 1e-2, coordinates: 12 });
    assert.ok(error < 1e-3, `relative error ${error}`);
  });

  it('turns wrt initializers into inputs on request, so training steps can feed updated weights', async () => {
    const model = readModelFile(sharedModel('ImageClassifier.onnx'));
    const built = buildGradientModel(model, { objective: { kind: 'select', output: 'modelOutput', index: [0, 3] }, wrt: ['fc1.weight', 'fc1.bias'] }, { initializersAsInputs: true });
    assert.ok(built.model.graph.input.some((input) => input.name === 'fc1.weight'));
    const session = await createSession(built.model);
    const weight = modelTensor(model, 'fc1.weight');
    const bias = modelTensor(model, 'fc1.bias');
    const results = await runSession(session, { modelInput: randomImage([1, 3, 32, 32], 2), 'fc1.weight': { data: new Float32Array(weight.data.length), dims: weight.dims }, 'fc1.bias': bias });
    await session.release();
    // With the dense weights fed as zeros, the logit is the bias alone.
    assert.ok(Math.abs(Number(results[built.objectiveName].data[0]) - bias.data[3]) < 1e-6);
    assert.deepEqual(Array.from(results[built.gradientNames['fc1.bias']].data as Float32Array), Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0)));
  });

  it('refuses to differentiate with respect to an integer tensor', () => {
    const model = chain(['Relu']);
    model.graph.input[0].type!.tensor_type!.elem_type = DataType.INT64;
    assert.throws(() => buildGradientModel(model, { objective: { kind: 'select', output: 't0', index: [0] }, wrt: ['x'] }), /not a float tensor/);
  });
});
