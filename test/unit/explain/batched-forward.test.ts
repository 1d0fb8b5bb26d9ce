import * as assert from 'node:assert/strict';
import { BatchedForward, SCORING_BATCH } from '../../../src/runtime/explain/batched-forward';
import { toFloat32Model } from '../../../src/runtime/onnx/float32-model';
import { createMessage, OnnxModel, OnnxNode, OnnxValueInfo, readModelFile } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { makeTensor } from '../../../src/runtime/grad/emitter';
import { createSession, runSession } from '../../../src/runtime/onnx/session';
import { seededRandom } from '../../../src/runtime/random';
import { sharedModel } from '../helpers/shared';

async function singleForward(model: OnnxModel, input: string, dims: number[], output: string) {
  const session = await createSession(model);
  const run = async (data: Float32Array) => (await runSession(session, { [input]: { data, dims } }, [output]))[output].data as Float32Array;
  return { run, release: () => session.release() };
}

describe('explain: many inputs scored in batches', function () {
  this.timeout(120000);

  it('gives each input the output of its own forward pass (SqueezeNet 1.0, batch axis fixed at 1 in the file)', async () => {
    const model = toFloat32Model(readModelFile(sharedModel('SqueezeNet_fp16.onnx')));
    const input = model.graph.input[0].name;
    const output = model.graph.output[0].name;
    const dims = [1, 3, 224, 224];
    const next = seededRandom(3);
    const inputs = Array.from({ length: SCORING_BATCH + 3 }, () => Float32Array.from({ length: 3 * 224 * 224 }, () => next() * 4 - 2));
    const single = await singleForward(model, input, dims, output);
    const batched = await BatchedForward.create(model, { input, inputDims: dims, output }, inputs[0], single.run, {});
    try {
      assert.equal(batched.batched, true);
      const outputs = await batched.outputs(inputs);
      assert.equal(outputs.length, inputs.length);
      for (const [index, each] of inputs.entries()) {
        const expected = await single.run(each);
        const scale = Math.max(...expected.map(Math.abs));
        expected.forEach((value, i) => assert.ok(Math.abs(value - outputs[index][i]) <= 1e-4 * scale, `input ${index}, output ${i}: ${outputs[index][i]} vs ${value}`));
      }
    } finally {
      await batched.release();
      await single.release();
    }
  });

  it('runs one input at a time when the graph folds the batch away (Reshape to a fixed [1, -1])', async () => {
    const info = (name: string, dims: number[]) => createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((dim) => ({ dim_value: dim })) } } } });
    const model = createMessage<OnnxModel>('ModelProto', {
      ir_version: 8,
      opset_import: [{ domain: '', version: 13 }],
      graph: {
        name: 'flatten-to-one',
        node: [
          createMessage<OnnxNode>('NodeProto', { name: 'reshape', op_type: 'Reshape', input: ['x', 'shape'], output: ['flat'], attribute: [] }),
          createMessage<OnnxNode>('NodeProto', { name: 'relu', op_type: 'Relu', input: ['flat'], output: ['y'], attribute: [] }),
        ],
        initializer: [makeTensor('shape', DataType.INT64, [2], [1, -1])],
        input: [info('x', [1, 2, 2])],
        output: [info('y', [1, 4])],
      },
    });
    const single = await singleForward(model, 'x', [1, 2, 2], 'y');
    const inputs = [Float32Array.from([1, -2, 3, -4]), Float32Array.from([-5, 6, -7, 8])];
    const batched = await BatchedForward.create(model, { input: 'x', inputDims: [1, 2, 2], output: 'y' }, inputs[0], single.run, {});
    try {
      assert.equal(batched.batched, false);
      assert.deepEqual((await batched.outputs(inputs)).map((values) => Array.from(values)), [[1, 0, 3, 0], [0, 6, 0, 8]]);
    } finally {
      await batched.release();
      await single.release();
    }
  });
});
