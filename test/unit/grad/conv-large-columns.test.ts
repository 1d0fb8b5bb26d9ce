import * as assert from 'node:assert/strict';
import { createMessage, OnnxModel, OnnxNode } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { computeGradients } from '../../../src/runtime/grad';
import { makeAttribute, makeTensor } from '../../../src/runtime/grad/emitter';
import { MAX_COLUMN_ELEMENTS } from '../../../src/runtime/grad/rules/conv';
import { seededRandom } from '../../../src/runtime/random';
import { assertAgrees } from '../grad-models/compare';

describe('gradient rules: convolution weight gradient with a large im2col matrix', function () {
  this.timeout(120_000);

  it('one Gemm per window tap gives the direct correlation sum, float64 in JS', async () => {
    const [batch, inChannels, outChannels, size, kernel, stride, pad] = [4, 16, 3, 130, 3, 1, 1];
    const out = (size + 2 * pad - kernel) / stride + 1;
    assert.ok(inChannels * kernel * kernel * batch * out * out > MAX_COLUMN_ELEMENTS, 'the columns exceed the limit');
    const random = seededRandom(12);
    const x = Float32Array.from({ length: batch * inChannels * size * size }, () => random() * 2 - 1);
    const w = Float32Array.from({ length: outChannels * inChannels * kernel * kernel }, () => random() - 0.5);
    const projection = Float32Array.from({ length: batch * outChannels * out * out }, () => random() * 2 - 1);
    const info = (name: string, dims: number[]) => createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });
    const model: OnnxModel = createMessage('ModelProto', {
      ir_version: 8, opset_import: [{ domain: '', version: 13 }],
      graph: {
        node: [createMessage<OnnxNode>('NodeProto', { op_type: 'Conv', name: 'conv', input: ['x', 'w'], output: ['y'], attribute: [makeAttribute('kernel_shape', [kernel, kernel]), makeAttribute('pads', [pad, pad, pad, pad])] })],
        initializer: [makeTensor('w', DataType.FLOAT, [outChannels, inChannels, kernel, kernel], w)], value_info: [],
        input: [info('x', [batch, inChannels, size, size])], output: [info('y', [batch, outChannels, out, out])],
      },
    });
    const result = await computeGradients(model, { objective: { kind: 'weighted-sum', output: 'y', weightsInput: 'p' }, wrt: ['w'] },
      { x: { data: x, dims: [batch, inChannels, size, size] }, p: { data: projection, dims: [batch, outChannels, out, out] } }, { threads: 2 });
    // d sum(y·P) / d w[o, i, kh, kw] = Σ over n, oy, ox of P[n, o, oy, ox] · x[n, i, oy + kh − pad, ox + kw − pad].
    const expected = new Float64Array(w.length);
    for (let o = 0; o < outChannels; o++) for (let i = 0; i < inChannels; i++) for (let kh = 0; kh < kernel; kh++) for (let kw = 0; kw < kernel; kw++) {
      let sum = 0;
      for (let n = 0; n < batch; n++) for (let oy = 0; oy < out; oy++) {
        const iy = oy + kh - pad;
        if (iy < 0 || iy >= size) continue;
        const xRow = ((n * inChannels + i) * size + iy) * size;
        const pRow = ((n * outChannels + o) * out + oy) * out;
        for (let ox = 0; ox < out; ox++) {
          const ix = ox + kw - pad;
          if (ix >= 0 && ix < size) sum += projection[pRow + ox] * x[xRow + ix];
        }
      }
      expected[((o * inChannels + i) * kernel + kh) * kernel + kw] = sum;
    }
    assertAgrees('per-tap conv weight gradient', result.gradients.w.data, expected, 1e-4);
  });
});
