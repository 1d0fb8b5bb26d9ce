import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectModel, OnnxFormatError } from '../../../src/runtime/inspect';
import { createMessage, encodeModel, OnnxModel, readModelFile } from '../../../src/runtime/onnx/codec';
import { runtimeShapes } from '../../../src/runtime/onnx/graph';
import { sharedModel, sharedModelsDir } from '../helpers/shared';
import { ocrModels, ocrModelsDir, onnxReference, pythonMissing, torchvisionReference } from './reference';

const sharedOnnx = fs.readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx')).map((f) => path.join(sharedModelsDir, f));

describe('inspect: shared models, facts from their documentation', () => {
  it('SqueezeNet fp16 (IR 3): initializers listed as inputs are weights, not inputs', async () => {
    const summary = await inspectModel(sharedModel('SqueezeNet_fp16.onnx'));
    assert.equal(summary.format, 'onnx');
    assert.equal(summary.irVersion, 3);
    assert.equal(summary.opset, 7);
    assert.deepEqual(summary.inputs, [{ name: 'data_0', dtype: 'float16', shape: [1, 3, 224, 224] }]);
    assert.deepEqual(summary.outputs, [{ name: 'softmaxout_1', dtype: 'float16', shape: [1, 1000, 1, 1] }]);
    assert.deepEqual(Object.keys(summary.paramBytesByDtype), ['float16']);
    assert.equal(summary.paramBytesByDtype.float16.bytes, summary.params * 2);
    assert.equal(summary.fileSize, fs.statSync(sharedModel('SqueezeNet_fp16.onnx')).size);
    assert.equal(summary.layers.reduce((sum, layer) => sum + layer.params, 0), summary.params);
    assert.equal(summary.layers.reduce((sum, layer) => sum + layer.macs!, 0), summary.macs);
  });

  it('mnist: metadata_props, a shape constant not counted as a weight', async () => {
    const summary = await inspectModel(sharedModel('mnist.onnx'));
    assert.equal(summary.metadata['Image.BitmapPixelFormat'], 'Gray8');
    assert.equal(summary.metadata['Image.NominalPixelRange'], 'NominalRange_0_255');
    assert.deepEqual(summary.inputs, [{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
    assert.deepEqual(summary.outputs, [{ name: 'Plus214_Output_0', dtype: 'float32', shape: [1, 10] }]);
    // conv 8×1×5×5 + 8, conv 16×8×5×5 + 16, dense 256×10 + 10 (the model's own layer sizes).
    assert.equal(summary.params, 200 + 8 + 3200 + 16 + 2560 + 10);
    assert.equal(summary.paramBytesByDtype.int64, undefined);
  });

  it('mnist: the dense weight, reshaped before its MatMul, counts as the MatMul\'s parameters', async () => {
    const summary = await inspectModel(sharedModel('mnist.onnx'));
    const paramsOf = (type: string) => summary.layers.filter((layer) => layer.type === type).map((layer) => [layer.name, layer.params]);
    assert.deepEqual(paramsOf('MatMul'), [['Times212', 256 * 10]]);
    assert.deepEqual(paramsOf('Reshape'), [['Times212_reshape1', 0], ['Times212_reshape0', 0]]);
    assert.deepEqual(paramsOf('Conv'), [['Convolution28', 8 * 1 * 5 * 5], ['Convolution110', 16 * 8 * 5 * 5]]);
    assert.deepEqual(paramsOf('Add'), [['Plus30', 8], ['Plus112', 16], ['Plus214', 10]]);
    assert.equal(summary.layers.reduce((sum, layer) => sum + layer.params, 0), summary.params);
  });

  it('ImageClassifier: the symbolic batch stays symbolic and spatial shapes are still known', async () => {
    const summary = await inspectModel(sharedModel('ImageClassifier.onnx'));
    assert.deepEqual(summary.inputs[0].shape, ['batch_size', 3, 32, 32]);
    assert.deepEqual(summary.outputs[0].shape, ['batch_size', 10]);
    for (const layer of summary.layers.filter((l) => l.type !== 'Constant')) {
      assert.equal(layer.outputShape?.[0], 'batch_size', `${layer.name} keeps the batch symbol`);
      assert.ok(layer.outputShape!.slice(1).every((dim) => typeof dim === 'number'), `${layer.name} has known ${JSON.stringify(layer.outputShape)}`);
    }
    const names = summary.layers.map((l) => l.name);
    assert.equal(new Set(names).size, names.length, 'layer names are unique');
  });

  it('rejects a file that is not a model, naming it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-')), 'broken.onnx');
    fs.writeFileSync(file, 'this is not protobuf');
    await assert.rejects(inspectModel(file), (error: unknown) => error instanceof OnnxFormatError && (error as Error).message.includes(file));
    await assert.rejects(inspectModel(path.join(path.dirname(file), 'missing.onnx')), /missing\.onnx/);
  });

  it('counts float and quantized weights, not shape constants, Resize scales or scalars', async () => {
    const tensor = (name: string, data_type: number, dims: number[], bytes: number) => ({ name, data_type, dims, raw_data: new Uint8Array(bytes) });
    const model = createMessage<OnnxModel>('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [
          { op_type: 'DequantizeLinear', input: ['w_int8', 'w_scale'], output: ['w'] },
          { op_type: 'Conv', input: ['x', 'w', 'bias'], output: ['c'] },
          { op_type: 'Mul', input: ['c', 'half'], output: ['m'] },
          { op_type: 'Resize', input: ['m', '', 'scales'], output: ['r'], attribute: [{ name: 'mode', type: 3, s: new TextEncoder().encode('nearest') }] },
          { op_type: 'Cast', input: ['target_int32'], output: ['target'], attribute: [{ name: 'to', type: 2, i: 7 }] },
          { op_type: 'Reshape', input: ['r', 'target'], output: ['y'] },
        ],
        initializer: [
          tensor('w_int8', 3, [4, 2, 3, 3], 72), tensor('w_scale', 1, [], 4), tensor('bias', 1, [4], 16), tensor('half', 1, [], 4),
          tensor('scales', 1, [4], 16), tensor('target_int32', 6, [2], 8),
        ],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: 2 }, { dim_value: 5 }, { dim_value: 5 }] } } } }],
        output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }],
      },
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-')), 'quantized.onnx');
    fs.writeFileSync(file, encodeModel(model));
    const summary = await inspectModel(file);
    assert.equal(summary.params, 72 + 4);
    assert.deepEqual(summary.paramBytesByDtype, { int8: { count: 72, bytes: 72 }, float32: { count: 4, bytes: 16 } });
    assert.equal(summary.macs, 4 * 3 * 3 * (2 * 3 * 3), 'Conv MACs use the dequantized weight shape');
    const paramsByType = Object.fromEntries(summary.layers.map((layer) => [layer.type, layer.params]));
    assert.deepEqual(paramsByType, { DequantizeLinear: 0, Conv: 72 + 4, Mul: 0, Resize: 0, Cast: 0, Reshape: 0 }, 'the dequantized weight is the Conv\'s');
  });

  it('names unnamed nodes by op type and position', async () => {
    const model = createMessage<OnnxModel>('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', node: [{ op_type: 'Relu', input: ['x'], output: ['y'] }, { op_type: 'Neg', input: ['y'], output: ['z'], name: 'negate' }],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'n' }, { dim_value: 4 }] } } } }],
        output: [{ name: 'z', type: { tensor_type: { elem_type: 1 } } }],
      },
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-')), 'tiny.onnx');
    fs.writeFileSync(file, encodeModel(model));
    const summary = await inspectModel(file);
    assert.deepEqual(summary.layers.map((l) => l.name), ['Relu_0', 'negate']);
    assert.deepEqual(summary.outputs[0].shape, ['n', 4]);
  });
});

describe('inspect: shared models against onnx + numpy (scripts/reference/onnx_counts.py)', function () {
  const missing = pythonMissing(['onnx', 'numpy']);
  before(function () {
    if (missing) {
      console.warn(`skipping the onnx reference comparison: ${missing}`);
      this.skip();
    }
  });
  for (const file of sharedOnnx) {
    it(`${path.basename(file)}: params, MACs, inputs, outputs, op histogram and every shape onnx infers`, async () => {
      const reference = onnxReference([file])[file];
      const summary = await inspectModel(file);
      assert.equal(summary.params, reference.params);
      assert.equal(summary.macs, reference.macs);
      assert.equal(summary.irVersion, reference.ir_version);
      assert.equal(summary.opset, reference.opset);
      assert.deepEqual(summary.inputs, reference.inputs);
      assert.deepEqual(summary.outputs, reference.outputs);
      assert.deepEqual(summary.ops, reference.ops);
      for (const layer of summary.layers) {
        layer.outputs.forEach((name, i) => {
          const expected = reference.shapes[name];
          if (!expected) return;
          // onnx names dims it cannot relate to anything 'unk__N'; there any inferred dim is acceptable.
          const comparable = layer.outputShapes[i]?.map((dim, d) => (String(expected[d]).startsWith('unk__') ? expected[d] : dim));
          assert.deepEqual(comparable, expected, `${layer.name} output ${name}`);
        });
      }
    });
  }
});

/** Conv, ConvTranspose, Gemm and MatMul MACs (per the documented convention) from the shapes onnxruntime produces. */
async function runtimeMacs(file: string, dims: Record<string, number>): Promise<number> {
  const model = readModelFile(file);
  const shapes = await runtimeShapes(model, dims);
  const weightShapes = new Map<string, number[]>(model.graph.initializer.map((t) => [t.name!, t.dims.map(Number)]));
  const shapeOf = (name: string) => shapes.get(name) ?? weightShapes.get(name)!;
  const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
  let macs = 0;
  for (const node of model.graph.node) {
    if (node.op_type === 'Conv') macs += product(shapeOf(node.output[0])) * product(shapeOf(node.input[1]).slice(1));
    if (node.op_type === 'ConvTranspose') macs += product(shapeOf(node.input[0])) * product(shapeOf(node.input[1]).slice(1));
    if (node.op_type === 'MatMul') macs += product(shapeOf(node.output[0])) * shapeOf(node.input[0]).at(-1)!;
    if (node.op_type === 'Gemm') {
      const transA = node.attribute.find((a) => a.name === 'transA')?.i;
      const a = shapeOf(node.input[0]);
      macs += product(shapeOf(node.output[0])) * (Number(transA ?? 0) ? a[0] : a[1]);
    }
  }
  return macs;
}

describe('inspect: PaddleOCR models (Constant-node weights, dynamic spatial dims) against onnx + numpy', function () {
  before(function () {
    const missing = pythonMissing(['onnx', 'numpy']);
    if (missing) {
      console.warn(`skipping the PaddleOCR comparison: ${missing}`);
      this.skip();
    }
  });
  for (const { file, dims } of ocrModels) {
    it(`${file}: params, MACs and shapes with its dims bound`, async () => {
      const model = path.join(ocrModelsDir, file);
      const reference = onnxReference([model], dims)[model];
      const summary = await inspectModel(model, { dims });
      assert.ok(summary.ops.Constant > 100, 'weights live in Constant nodes');
      assert.equal(summary.params, reference.params);
      // onnx's shape inference loses the attention blocks' shapes, so MACs come from onnxruntime's actual shapes.
      assert.equal(summary.macs, await runtimeMacs(model, dims));
      assert.deepEqual(summary.inputs, reference.inputs);
      for (const layer of summary.layers) {
        layer.outputs.forEach((name, i) => {
          const expected = reference.shapes[name];
          if (expected && expected.every((dim) => typeof dim === 'number')) assert.deepEqual(layer.outputShapes[i], expected, `${layer.name} output ${name}`);
        });
      }
      const unbound = await inspectModel(model);
      assert.equal(unbound.params, summary.params);
      assert.ok(unbound.inputs[0].shape!.some((dim) => typeof dim === 'string'), 'without bindings the dims stay symbolic');
    });
  }
});

describe('inspect: torchvision exports against PyTorch counts (scripts/reference/torchvision_counts.py)', function () {
  const missing = pythonMissing(['torch', 'torchvision']);
  let reference: ReturnType<typeof torchvisionReference>;
  before(function () {
    if (missing) {
      console.warn(`skipping the torchvision comparison: ${missing}`);
      this.skip();
    }
    this.timeout(900_000);
    reference = torchvisionReference();
  });
  for (const name of ['resnet18', 'mobilenet_v2', 'squeezenet1_1', 'lraspp_mobilenet_v3_large', 'fcn_resnet50']) {
    it(`${name}: parameters + BatchNorm running stats exactly, conv and linear MACs exactly, shapes`, async () => {
      const expected = reference.models[name];
      const summary = await inspectModel(path.join(reference.dir, expected.file));
      assert.equal(summary.params, expected.parameters + expected.running_stats);
      assert.equal(summary.macs, expected.macs);
      assert.equal(summary.opset, expected.opset);
      const batch = expected.dynamic_batch ? 'batch' : 1;
      assert.deepEqual(summary.inputs[0].shape, [batch, ...expected.input.slice(1)]);
      assert.deepEqual(summary.outputs[0].shape, [batch, ...expected.output.slice(1)]);
      for (const layer of summary.layers.filter((l) => l.type === 'Conv')) {
        assert.ok(layer.outputShape && layer.outputShape.slice(1).every((d) => typeof d === 'number'), `${layer.name} spatial shape known`);
      }
    });
  }
});
