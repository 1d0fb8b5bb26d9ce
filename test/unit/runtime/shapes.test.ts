import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxNode, createMessage, readModelFile } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { runtimeShapes } from '../../../src/runtime/onnx/graph';
import { TensorFacts, inferShapes, shapeRules } from '../../../src/runtime/onnx/shapes';
import { makeContext } from '../../../src/runtime/onnx/shapes/facts';
import { sharedModelsDir } from '../helpers/shared';
import { ocrModels, ocrModelsDir, pythonMissing, torchvisionReference } from './reference';

type AttributeValue = number | number[] | string;

function node(opType: string, attributes: Record<string, AttributeValue> = {}, inputCount = 1, outputCount = 1): OnnxNode {
  const attribute = Object.entries(attributes).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return value.some((v) => !Number.isInteger(v)) ? { name, type: 6, floats: value } : { name, type: 7, ints: value };
    return Number.isInteger(value) ? { name, type: 2, i: value } : { name, type: 1, f: value };
  });
  return createMessage<OnnxNode>('NodeProto', {
    op_type: opType, attribute,
    input: Array.from({ length: inputCount }, (_, i) => `in${i}`),
    output: Array.from({ length: outputCount }, (_, i) => `out${i}`),
  });
}

const f32 = (...shape: (number | string | null)[]): TensorFacts => ({ dtype: DataType.FLOAT, shape });
const ints = (...value: (number | string | null)[]): TensorFacts => ({ dtype: DataType.INT64, shape: [value.length], value });

function infer(opType: string, inputs: (TensorFacts | undefined)[], attributes: Record<string, AttributeValue> = {}, opset = 17, outputCount = 1) {
  return shapeRules[opType](makeContext(node(opType, attributes, inputs.length, outputCount), opset, inputs));
}
const shapeOf = (opType: string, inputs: (TensorFacts | undefined)[], attributes: Record<string, AttributeValue> = {}, opset = 17) => infer(opType, inputs, attributes, opset)[0]?.shape;

describe('static shape rules', () => {
  it('Conv: pads, strides, dilations, groups, auto_pad and a symbolic batch', () => {
    assert.deepEqual(shapeOf('Conv', [f32('N', 3, 224, 224), f32(64, 3, 7, 7)], { strides: [2, 2], pads: [3, 3, 3, 3] }), ['N', 64, 112, 112]);
    assert.deepEqual(shapeOf('Conv', [f32(1, 32, 15, 15), f32(32, 1, 3, 3)], { group: 32, dilations: [2, 2] }), [1, 32, 11, 11]);
    assert.deepEqual(shapeOf('Conv', [f32(1, 3, 15, 15), f32(8, 3, 3, 3)], { auto_pad: 'SAME_UPPER', strides: [2, 2] }), [1, 8, 8, 8]);
    assert.deepEqual(shapeOf('Conv', [f32(1, 3, 'H', 15), f32(8, 3, 3, 3)]), [1, 8, null, 13]);
  });

  it('ConvTranspose: stride, output_padding, group', () => {
    assert.deepEqual(shapeOf('ConvTranspose', [f32(1, 16, 7, 7), f32(16, 4, 3, 3)], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1], group: 2 }), [1, 8, 14, 14]);
  });

  it('MaxPool/AveragePool: floor and ceil_mode (the last window must start inside), Global pools', () => {
    assert.deepEqual(shapeOf('MaxPool', [f32(1, 64, 112, 112)], { kernel_shape: [3, 3], strides: [2, 2] }), [1, 64, 55, 55]);
    assert.deepEqual(shapeOf('MaxPool', [f32(1, 64, 112, 112)], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }), [1, 64, 56, 56]);
    assert.deepEqual(shapeOf('AveragePool', [f32(1, 1, 5, 5)], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }), [1, 1, 3, 3]);
    assert.deepEqual(shapeOf('GlobalAveragePool', [f32('b', 512, 7, 7)]), ['b', 512, 1, 1]);
  });

  it('Gemm with transposes, MatMul with broadcasting and 1-D operands', () => {
    assert.deepEqual(shapeOf('Gemm', [f32('b', 512), f32(1000, 512), f32(1000)], { transB: 1 }), ['b', 1000]);
    assert.deepEqual(shapeOf('MatMul', [f32(2, 1, 4, 8), f32(3, 8, 5)]), [2, 3, 4, 5]);
    assert.deepEqual(shapeOf('MatMul', [f32(8), f32(8, 5)]), [5]);
  });

  it('elementwise broadcasting keeps symbols and gives null for conflicts', () => {
    assert.deepEqual(shapeOf('Add', [f32('b', 16, 1, 1), f32(16, 8, 8)]), ['b', 16, 8, 8]);
    assert.deepEqual(shapeOf('Mul', [f32('b', 3), f32('c', 3)]), [null, 3]);
    assert.equal(infer('Equal', [f32(3), f32(3)])[0]?.dtype, DataType.BOOL);
  });

  it('Reshape: 0 copies, -1 infers, and symbols cancel', () => {
    assert.deepEqual(shapeOf('Reshape', [f32('b', 16, 5, 5), ints(-1, 400)]), ['b', 400]);
    assert.deepEqual(shapeOf('Reshape', [f32('b', 16, 5, 5), ints(0, -1)]), ['b', 400]);
    assert.deepEqual(shapeOf('Reshape', [f32(2, 16, 5, 5), ints(4, -1, 5)]), [4, 40, 5]);
    assert.deepEqual(shapeOf('Reshape', [f32('b', 16, 5, 5), ints('b', -1)]), ['b', 400]);
    assert.deepEqual(shapeOf('Reshape', [f32('b', 16, 5, 5), ints(-1, 100)]), [null, 100]);
  });

  it('Squeeze/Unsqueeze from attributes (before opset 13) and inputs', () => {
    assert.deepEqual(shapeOf('Squeeze', [f32(1, 3, 1, 5)], { axes: [0, 2] }, 11), [3, 5]);
    assert.deepEqual(shapeOf('Squeeze', [f32(1, 3, 1, 5), ints(-2)], {}, 13), [1, 3, 5]);
    assert.deepEqual(shapeOf('Unsqueeze', [f32(3, 5)], { axes: [0, 3] }, 11), [1, 3, 5, 1]);
    assert.deepEqual(shapeOf('Unsqueeze', [f32(3, 5), ints(-1)], {}, 13), [3, 5, 1]);
  });

  it('Slice with constant inputs (negative and huge ends, steps) and attributes before opset 10', () => {
    assert.deepEqual(shapeOf('Slice', [f32(1, 3, 224, 224), ints(-2), ints(9.2e18), ints(2)]), [1, 3, 2, 224]);
    assert.deepEqual(shapeOf('Slice', [f32(10, 20), ints(0, 19), ints(10, 0), ints(0, 1), ints(2, -3)]), [5, 7]);
    assert.deepEqual(shapeOf('Slice', [f32(10, 20)], { starts: [1], ends: [4], axes: [1] }, 9), [10, 3]);
  });

  it('Pad, Resize/Upsample with scales or sizes, Concat, Flatten, Transpose, Split, Softmax, Dropout', () => {
    assert.deepEqual(shapeOf('Pad', [f32('b', 3, 10, 10), ints(0, 0, 1, 2, 0, 0, 3, 4)]), ['b', 3, 14, 16]);
    assert.deepEqual(shapeOf('Pad', [f32(1, 3, 10, 10)], { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, 2), [1, 3, 12, 12]);
    assert.deepEqual(shapeOf('Resize', [f32('b', 8, 7, 7), undefined, { dtype: 1, shape: [4], value: [1, 1, 2, 2] }]), ['b', 8, 14, 14]);
    assert.deepEqual(shapeOf('Resize', [f32('b', 8, 7, 7), undefined, undefined, ints('b', 8, 28, 30)]), ['b', 8, 28, 30]);
    assert.deepEqual(shapeOf('Upsample', [f32(1, 8, 7, 7)], { scales: [1, 1, 2.0001, 2.0001], mode: 'nearest' }, 7), [1, 8, 14, 14]);
    assert.deepEqual(shapeOf('Concat', [f32('b', 64, 55, 55), f32('b', 64, 55, 55)], { axis: 1 }), ['b', 128, 55, 55]);
    assert.deepEqual(shapeOf('Flatten', [f32('b', 512, 1, 1)], { axis: 1 }), ['b', 512]);
    assert.deepEqual(shapeOf('Transpose', [f32('b', 3, 4, 5)], { perm: [0, 2, 3, 1] }), ['b', 4, 5, 3]);
    assert.deepEqual(infer('Split', [f32(1, 10, 4)], { axis: 1, split: [3, 7] }, 11, 2).map((f) => f?.shape), [[1, 3, 4], [1, 7, 4]]);
    assert.deepEqual(infer('Split', [f32(1, 10, 4)], { axis: 1 }, 11, 2).map((f) => f?.shape), [[1, 5, 4], [1, 5, 4]]);
    assert.deepEqual(shapeOf('Softmax', [f32('b', 1000)]), ['b', 1000]);
    assert.deepEqual(infer('Dropout', [f32('b', 10)], {}, 13, 2).map((f) => f?.dtype), [DataType.FLOAT, DataType.BOOL]);
  });

  it('ReduceMean with keepdims and with axes as input', () => {
    assert.deepEqual(shapeOf('ReduceMean', [f32('b', 64, 7, 7)], { axes: [2, 3], keepdims: 1 }, 13), ['b', 64, 1, 1]);
    assert.deepEqual(shapeOf('ReduceMean', [f32('b', 64, 7, 7), ints(-1, -2)], { keepdims: 0 }, 18), ['b', 64]);
  });

  it('folds the Shape→Gather→Unsqueeze→Concat→Reshape chain torchvision exports, symbols included', () => {
    const shape = infer('Shape', [f32('b', 512, 1, 1)])[0]!;
    assert.deepEqual(shape.value, ['b', 512, 1, 1]);
    const gathered = infer('Gather', [shape, { dtype: DataType.INT64, shape: [], value: [0] }], { axis: 0 })[0]!;
    assert.deepEqual(gathered, { dtype: DataType.INT64, shape: [], value: ['b'] });
    const unsqueezed = infer('Unsqueeze', [gathered, ints(0)])[0]!;
    const joined = infer('Concat', [unsqueezed, ints(-1)], { axis: 0 })[0]!;
    assert.deepEqual(joined.value, ['b', -1]);
    assert.deepEqual(shapeOf('Reshape', [f32('b', 512, 1, 1), joined]), ['b', 512]);
  });

  it('folds values with the semantics of their element type', () => {
    const float = (...value: number[]): TensorFacts => ({ dtype: DataType.FLOAT, shape: [value.length], value });
    assert.deepEqual(infer('Div', [float(3, 7), float(2, 2)])[0]?.value, [1.5, 3.5]);
    assert.deepEqual(infer('Div', [ints(7, -7), ints(2, 2)])[0]?.value, [3, -3]);
    assert.deepEqual(infer('Cast', [float(2.7, -2.7, 0)], { to: DataType.INT64 })[0]?.value, [2, -2, 0]);
    assert.deepEqual(infer('Cast', [float(2.5, 0)], { to: DataType.BOOL })[0]?.value, [1, 0]);
    assert.deepEqual(infer('Mul', [ints('b', 3), ints(2)])[0]?.value, [null, 6]);
  });

  it('gives null, never a guess, when an input is unknown', () => {
    assert.deepEqual(shapeOf('Reshape', [f32('b', 16, 5, 5), { dtype: DataType.INT64, shape: [2] }]), [null, null]);
    assert.equal(shapeOf('Conv', [undefined, f32(8, 3, 3, 3)]), null);
    assert.deepEqual(shapeOf('Resize', [f32(1, 8, 7, 7), undefined, undefined, { dtype: DataType.INT64, shape: [4] }]), [null, null, null, null]);
  });
});

/**
 * Our inferred shapes must equal onnxruntime's actual ones for every tensor: a symbol stands for its fed value.
 * With bindDims the symbols are bound before inference (dynamic spatial dims need numbers to get anywhere).
 */
async function compareWithRuntime(file: string, dims: Record<string, number>, bindDims = false): Promise<void> {
  const model = readModelFile(file);
  const inferred = inferShapes(model, bindDims ? { dims } : {});
  const actual = await runtimeShapes(model, dims);
  assert.ok(actual.size > model.graph.output.length, 'intermediate tensors were exposed');
  for (const [name, shape] of actual) {
    const ours = inferred.get(name)?.shape;
    assert.ok(ours, `${path.basename(file)}: no shape inferred for ${name}`);
    const resolved = ours.map((dim) => (typeof dim === 'string' ? dims[dim] ?? null : dim));
    assert.deepEqual(resolved, shape, `${path.basename(file)}: ${name} inferred ${JSON.stringify(ours)}`);
  }
}

describe('static shapes against onnxruntime with every intermediate exposed', function () {
  for (const file of fs.readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx'))) {
    it(`${file}`, () => compareWithRuntime(path.join(sharedModelsDir, file), { batch_size: 3 }));
  }

  for (const { file, dims } of ocrModels) {
    it(`${file} (PaddleOCR, dims bound)`, () => compareWithRuntime(path.join(ocrModelsDir, file), dims, true));
  }

  describe('torchvision exports', function () {
    let reference: ReturnType<typeof torchvisionReference>;
    before(function () {
      const missing = pythonMissing(['torch', 'torchvision']);
      if (missing) {
        console.warn(`skipping torchvision shape checks: ${missing}`);
        this.skip();
      }
      this.timeout(900_000);
      reference = torchvisionReference();
    });
    for (const name of ['resnet18', 'mobilenet_v2', 'squeezenet1_1', 'lraspp_mobilenet_v3_large']) {
      it(name, () => compareWithRuntime(path.join(reference.dir, `${name}.onnx`), { batch: 2 }));
    }
  });
});
