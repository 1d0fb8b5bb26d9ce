import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeModel, encodeModel, OnnxFormatError } from '../../../src/runtime/onnx/codec';
import { tensorValues, float32ToFloat16, float16ToFloat32, DataType } from '../../../src/runtime/onnx/dtypes';
import { sharedModel, sharedModelsDir } from '../helpers/shared';

describe('ONNX codec', () => {
  for (const file of fs.readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx'))) {
    it(`round-trips ${file} byte for byte`, () => {
      const bytes = fs.readFileSync(path.join(sharedModelsDir, file));
      const model = decodeModel(bytes);
      assert.ok(model.graph.node.length > 0);
      assert.ok(Buffer.from(encodeModel(model)).equals(bytes), 're-encoded bytes differ');
    });
  }

  it('decodes SqueezeNet float16 weights to plausible floats', () => {
    const model = decodeModel(fs.readFileSync(sharedModel('SqueezeNet_fp16.onnx')));
    const weight = model.graph.initializer.find((t) => t.data_type === DataType.FLOAT16)!;
    const values = tensorValues(weight) as Float32Array;
    assert.ok(values.length > 0);
    assert.ok(values.every((v) => Number.isFinite(v) && Math.abs(v) < 100));
  });

  it('rejects bytes that are not a model with a named error', () => {
    assert.throws(() => decodeModel(Buffer.from('not a model at all'), 'bad.onnx'), (error: unknown) => error instanceof OnnxFormatError && /bad\.onnx/.test((error as Error).message));
  });

  it('converts float16 both ways like numpy', () => {
    for (const value of [0, 1, -2.5, 65504, 1e-5, 0.1, 3.14159]) {
      const back = float16ToFloat32(float32ToFloat16(value));
      assert.ok(Math.abs(back - value) <= Math.abs(value) * 1e-3 + 1e-7, `${value} -> ${back}`);
    }
    assert.equal(float32ToFloat16(65520), 0x7c00);
  });
});
