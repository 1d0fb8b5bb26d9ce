import { createMessage, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../../../src/runtime/onnx/codec';
import { DataType } from '../../../src/runtime/onnx/dtypes';
import { createSession, runSession } from '../../../src/runtime/onnx/session';
import { makeNode, typedTensor } from '../../../src/runtime/quantize/graph-edit';
import { seededRandom } from '../../../src/runtime/random';

export { makeNode };

export function valueInfo(name: string, dims?: number[], type = DataType.FLOAT): OnnxValueInfo {
  return createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: type, ...(dims ? { shape: { dim: dims.map((d) => ({ dim_value: d })) } } : {}) } } });
}

export function floats(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return typedTensor(name, DataType.FLOAT, dims, Float32Array.from(values));
}

export function int64s(name: string, values: number[]): OnnxTensor {
  return typedTensor(name, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));
}

/** Seeded values in [-scale, scale). */
export function randomValues(count: number, seed: number, scale = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

export function buildModel(nodes: OnnxNode[], inputs: OnnxValueInfo[], outputs: OnnxValueInfo[], initializers: OnnxTensor[], opset = 13): OnnxModel {
  return createMessage<OnnxModel>('ModelProto', {
    ir_version: 7,
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'test',
    graph: createMessage('GraphProto', { name: 'g', node: nodes, input: inputs, output: outputs, initializer: initializers, value_info: [] }),
  });
}

/** Runs a model on one float input and returns its first output. */
export async function runOnce(model: OnnxModel, input: string, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await createSession(model);
  try {
    const results = await runSession(session, { [input]: { data, dims } });
    return results[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
