import * as assert from 'node:assert/strict';
import { createMessage, decodeModel, encodeModel, OnnxModel, OnnxNode, readModelFile } from '../../../src/runtime/onnx/codec';
import { constantsToInitializers, convertFloat16ToFloat32 } from '../../../src/runtime/onnx/convert';
import { DataType, float16ArrayToFloat32, float16ToFloat32, float32ToFloat16 } from '../../../src/runtime/onnx/dtypes';
import { summarize } from '../../../src/runtime/inspect/onnx';
import { sharedImage, sharedModel } from '../helpers/shared';
import { ocrModelsDir } from './reference';
import * as path from 'node:path';
import { loadSharp } from '../../../src/runtime/images/decode';
import * as ort from 'onnxruntime-node';

/** kitten_224.png as raw 0-255 RGB pixels in NCHW order, the way this SqueezeNet expects them. */
async function kittenPixels(): Promise<Float32Array> {
  const sharp = loadSharp();
  const { data, info } = await sharp(sharedImage('kitten_224.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [224, 224, 3]);
  const planar = new Float32Array(3 * 224 * 224);
  for (let i = 0; i < 224 * 224; i++) for (let c = 0; c < 3; c++) planar[c * 224 * 224 + i] = data[i * 3 + c];
  return planar;
}

function topFive(scores: ArrayLike<number>): number[] {
  return Array.from(scores, (score, index) => ({ score, index })).sort((a, b) => b.score - a.score).slice(0, 5).map((entry) => entry.index);
}

async function scores(model: OnnxModel, input: import('onnxruntime-node').Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
    if (output.type === 'float16') return Float32Array.from(output.data as Uint16Array, float16ToFloat32);
    return output.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('model conversion', () => {
  it('the float16 table conversion equals the value-by-value one on all 65,536 bit patterns (NaNs as NaNs)', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const converted = float16ArrayToFloat32(bits);
    for (let b = 0; b < 65536; b++) {
      const expected = Math.fround(float16ToFloat32(b));
      assert.ok(Object.is(converted[b], expected) || (Number.isNaN(expected) && Number.isNaN(converted[b])), `bits ${b}`);
    }
  });

  it('float16 SqueezeNet becomes float32 and answers the kitten with the same top-5 (281 tabby first)', async () => {
    const original = readModelFile(sharedModel('SqueezeNet_fp16.onnx'));
    const before = Buffer.from(encodeModel(original));
    const converted = decodeModel(encodeModel(convertFloat16ToFloat32(original)));
    assert.ok(Buffer.from(encodeModel(original)).equals(before), 'the original model is left as it was');
    assert.ok(converted.graph.initializer.every((t) => t.data_type === DataType.FLOAT));
    for (const info of [...converted.graph.input, ...converted.graph.output, ...converted.graph.value_info]) {
      assert.equal(info.type?.tensor_type?.elem_type, DataType.FLOAT, info.name);
    }
    assert.equal(summarize(converted, 'converted', 0).params, summarize(original, 'original', 0).params);

    const pixels = await kittenPixels();
    const half = new ort.Tensor('float16', Uint16Array.from(pixels, float32ToFloat16), [1, 3, 224, 224]);
    const full = new ort.Tensor('float32', pixels, [1, 3, 224, 224]);
    const [halfScores, fullScores] = [await scores(original, half), await scores(converted, full)];
    assert.equal(topFive(fullScores)[0], 281);
    assert.deepEqual(topFive(fullScores), topFive(halfScores));
    assert.ok(fullScores[281] > 0.5, `tabby probability ${fullScores[281]}`);
  });

  it('turns Cast-to-float16 into Cast-to-float32', () => {
    const model = createMessage<OnnxModel>('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 17 }],
      graph: {
        node: [{ op_type: 'Cast', input: ['x'], output: ['y'], attribute: [{ name: 'to', type: 2, i: DataType.FLOAT16 }] }],
        input: [{ name: 'x', type: { tensor_type: { elem_type: DataType.FLOAT } } }],
        output: [{ name: 'y', type: { tensor_type: { elem_type: DataType.FLOAT16 } } }],
      },
    });
    const converted = convertFloat16ToFloat32(model);
    assert.equal(Number(converted.graph.node[0].attribute[0].i), DataType.FLOAT);
    assert.equal(converted.graph.output[0].type?.tensor_type?.elem_type, DataType.FLOAT);
    assert.equal(Number(model.graph.node[0].attribute[0].i), DataType.FLOAT16);
  });

  it('moves the Constant-node weights of a real PaddleOCR model into initializers with the same results', async () => {
    const original = readModelFile(path.join(ocrModelsDir, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'));
    const constantCount = original.graph.node.filter((n) => n.op_type === 'Constant').length;
    const moved = decodeModel(encodeModel(constantsToInitializers(original)));
    assert.equal(moved.graph.node.filter((n) => n.op_type === 'Constant').length, 0);
    assert.equal(moved.graph.initializer.length, original.graph.initializer.length + constantCount);
    assert.equal(summarize(moved, 'moved', 0).params, summarize(original, 'original', 0).params);
    const input = new ort.Tensor('float32', Float32Array.from({ length: 3 * 48 * 192 }, (_, i) => Math.cos(i) * 0.5), [1, 3, 48, 192]);
    assert.deepEqual([...await scores(moved, input)], [...await scores(original, input)]);
  });

  it('moves Constant-node weights into initializers; counts and outputs stay the same', async () => {
    // mnist with its weights stored as Constant nodes, the way some exporters write them.
    const original = readModelFile(sharedModel('mnist.onnx'));
    const constants = original.graph.initializer.map((tensor) => createMessage<OnnxNode>('NodeProto', {
      op_type: 'Constant', output: [tensor.name], name: `const_${tensor.name}`, attribute: [{ name: 'value', type: 4, t: tensor }],
    }));
    const asConstants = decodeModel(encodeModel(createMessage<OnnxModel>('ModelProto', {
      ...original, ir_version: 7,
      graph: { ...original.graph, node: [...constants, ...original.graph.node], initializer: [], input: original.graph.input.filter((i) => i.name === 'Input3') },
    })));
    const constantSummary = summarize(asConstants, 'constants', 0);
    assert.equal(constantSummary.params, summarize(original, 'original', 0).params, 'Constant-node weights count as parameters');

    const moved = constantsToInitializers(asConstants);
    assert.ok(!moved.graph.node.some((n) => n.op_type === 'Constant'));
    assert.deepEqual(moved.graph.initializer.map((t) => t.name).sort(), original.graph.initializer.map((t) => t.name).sort());
    assert.ok(asConstants.graph.node.some((n) => n.op_type === 'Constant'), 'the input model is unchanged');

    const digit = new ort.Tensor('float32', Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29), [1, 1, 28, 28]);
    assert.deepEqual([...await scores(moved, digit)], [...await scores(original, digit)]);
    assert.deepEqual([...await scores(asConstants, digit)], [...await scores(original, digit)]);
  });
});
