import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { createMessage, encodeModel, OnnxGraph, OnnxModel, readModelFile } from '../../../src/runtime/onnx/codec';
import {
  consumerMap, exposeTensors, extractSubgraph, GraphStructureError, initializerMap, intermediateTensors, producerMap, realInputs, topologicalOrder,
} from '../../../src/runtime/onnx/graph';
import { sharedModel } from '../helpers/shared';


function seededDigit(): Float32Array {
  let state = 12345;
  return Float32Array.from({ length: 28 * 28 }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  });
}

async function run(model: OnnxModel, feeds: Record<string, import('onnxruntime-node').Tensor>) {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const digit = () => ({ Input3: new ort.Tensor('float32', seededDigit(), [1, 1, 28, 28]) });

describe('graph utilities', () => {
  it('orders nodes so every node follows the producers of its inputs, however the file lists them', () => {
    const model = readModelFile(sharedModel('mnist.onnx'));
    const shuffled: OnnxGraph = { ...model.graph, node: [...model.graph.node].reverse() };
    const order = topologicalOrder(shuffled);
    assert.equal(order.length, model.graph.node.length);
    const seen = new Set<string>([...model.graph.input.map((i) => i.name), ...model.graph.initializer.map((t) => t.name!)]);
    for (const node of order) {
      for (const input of node.input) assert.ok(seen.has(input), `${node.name} runs before ${input} exists`);
      node.output.forEach((o) => seen.add(o));
    }
    assert.deepEqual(topologicalOrder(model.graph).map((n) => n.name), model.graph.node.map((n) => n.name), 'a sorted file keeps its order');
  });

  it('names a node on a cycle', () => {
    const graph = createMessage<OnnxGraph>('GraphProto', {
      node: [
        { op_type: 'Add', name: 'first', input: ['x', 'b'], output: ['a'] },
        { op_type: 'Relu', name: 'second', input: ['a'], output: ['b'] },
      ],
      input: [{ name: 'x' }], output: [{ name: 'b' }],
    });
    assert.throws(() => topologicalOrder(graph), (error: unknown) => error instanceof GraphStructureError && /cycle through node first/.test((error as Error).message));
  });

  it('maps producers, consumers and initializers; IR-3 initializers listed as inputs are not user inputs', () => {
    const squeezenet = readModelFile(sharedModel('SqueezeNet_fp16.onnx'));
    assert.equal(squeezenet.graph.input.length, squeezenet.graph.initializer.length + 1);
    assert.deepEqual(realInputs(squeezenet.graph).map((i) => i.name), ['data_0']);
    assert.equal(initializerMap(squeezenet.graph).size, squeezenet.graph.initializer.length);

    const mnist = readModelFile(sharedModel('mnist.onnx'));
    assert.equal(producerMap(mnist.graph).get('ReLU32_Output_0')?.node.name, 'ReLU32');
    assert.deepEqual(consumerMap(mnist.graph).get('Parameter193')?.map((c) => [c.node.name, c.inputIndex]), [['Times212_reshape1', 0]]);
  });

  it('exposes intermediate tensors as outputs in a new model, leaving the original untouched', async () => {
    const model = readModelFile(sharedModel('mnist.onnx'));
    const before = Buffer.from(encodeModel(model));
    const exposed = exposeTensors(model);
    assert.ok(Buffer.from(encodeModel(model)).equals(before), 'original model unchanged');
    const expected = intermediateTensors(model.graph);
    assert.deepEqual(exposed.graph.output.map((o) => o.name), ['Plus214_Output_0', ...expected]);
    const [full, withAll] = await Promise.all([run(model, digit()), run(exposed, digit())]);
    assert.deepEqual([...withAll.Plus214_Output_0.data as Float32Array], [...full.Plus214_Output_0.data as Float32Array]);
    assert.deepEqual(withAll.Pooling66_Output_0.dims, [1, 8, 14, 14]);
    assert.throws(() => exposeTensors(model, ['no_such_tensor']), /no node produces tensor no_such_tensor/);
  });

  it('extracts the subgraph between tensors, which computes the same values', async () => {
    const model = readModelFile(sharedModel('mnist.onnx'));
    const full = await run(exposeTensors(model, ['Pooling66_Output_0']), digit());

    const head = extractSubgraph(model, ['Input3'], ['Pooling66_Output_0']);
    assert.deepEqual(head.graph.node.map((n) => n.op_type), ['Conv', 'Add', 'Relu', 'MaxPool']);
    assert.deepEqual(head.graph.initializer.map((t) => t.name).sort(), ['Parameter5', 'Parameter6']);
    const headOut = await run(head, digit());
    assert.deepEqual([...headOut.Pooling66_Output_0.data as Float32Array], [...full.Pooling66_Output_0.data as Float32Array]);

    const tail = extractSubgraph(model, ['Pooling66_Output_0'], ['Plus214_Output_0']);
    assert.ok(!tail.graph.node.some((n) => n.name === 'Convolution28'));
    const tailOut = await run(tail, { Pooling66_Output_0: full.Pooling66_Output_0 });
    assert.deepEqual([...tailOut.Plus214_Output_0.data as Float32Array], [...full.Plus214_Output_0.data as Float32Array]);

    assert.throws(() => extractSubgraph(model, ['Pooling66_Output_0'], ['ReLU32_Output_0', 'Plus214_Output_0']).graph.node.length, /Input3/);
  });
});
