import type { OnnxModel, OnnxTensor } from '../../onnx/codec';
import { DataType, tensorValues } from '../../onnx/dtypes';
import { initializerMap } from '../../onnx/graph';
import { inferShapes } from '../../onnx/shapes';
import { tensorDims, typedTensor } from '../graph-edit';
import { singleReaderPairs } from './single-reader';

/** Values of a constant that adds one value per channel (or one for all) of a [N, C, ...] or [N, C] tensor. */
function perChannel(tensor: OnnxTensor | undefined, channels: number, rank: number): Float32Array | undefined {
  if (!tensor || tensor.data_type !== DataType.FLOAT) return undefined;
  const dims = tensorDims(tensor);
  const values = tensorValues(tensor) as Float32Array;
  if (values.length === 1) return new Float32Array(channels).fill(values[0]);
  if (values.length !== channels || dims.length > rank) return undefined;
  // The channel must sit on axis 1 once the constant is broadcast against the [N, C, ...] output.
  const channelAxis = rank - dims.length + dims.indexOf(channels);
  return channelAxis === 1 ? values : undefined;
}

/**
 * A separate bias Add after a Conv (as older exports write it) moves into the Conv's bias input, and a MatMul of a
 * 2-D input by a weight followed by a bias Add becomes one Gemm: the forms whose bias is quantized to int32.
 */
export function foldBiasAdd(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const constants = initializerMap(graph);
  const removed = new Set<object>();
  // Shapes of the graph as it comes in: the folds below rename tensors.
  const shapes = inferShapes(model);
  for (const { producer, consumer: add } of singleReaderPairs(graph, ['Conv', 'MatMul'], 'Add')) {
    const other = add.input[0] === producer.output[0] ? add.input[1] : add.input[0];
    const weight = constants.get(producer.input[1]);
    if (!weight || weight.data_type !== DataType.FLOAT) continue;
    const dims = tensorDims(weight);
    if (producer.op_type === 'Conv') {
      const addend = perChannel(constants.get(other), dims[0], 4);
      const existing = producer.input[2] ? constants.get(producer.input[2]) : undefined;
      if (!addend || (producer.input[2] && !existing)) continue;
      const base = existing ? (tensorValues(existing) as Float32Array) : new Float32Array(dims[0]);
      const biasName = `${producer.output[0]}_bias`;
      graph.initializer.push(typedTensor(biasName, DataType.FLOAT, [dims[0]], Float32Array.from(base, (v, c) => v + addend[c])));
      producer.input = [producer.input[0], producer.input[1], biasName];
    } else {
      if (dims.length !== 2 || shapes.get(producer.input[0])?.shape?.length !== 2) continue;
      const addend = perChannel(constants.get(other), dims[1], 2);
      if (!addend) continue;
      const biasName = `${producer.output[0]}_bias`;
      graph.initializer.push(typedTensor(biasName, DataType.FLOAT, [dims[1]], addend));
      producer.op_type = 'Gemm';
      producer.input = [producer.input[0], producer.input[1], biasName];
    }
    producer.output = [add.output[0]];
    removed.add(add);
  }
  graph.node = graph.node.filter((node) => !removed.has(node));
  return model;
}
