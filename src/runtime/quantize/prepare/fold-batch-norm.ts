import type { OnnxModel } from '../../onnx/codec';
import { DataType, tensorValues } from '../../onnx/dtypes';
import { initializerMap } from '../../onnx/graph';
import { floatAttribute, intAttribute, tensorDims, typedTensor } from '../graph-edit';
import { singleReaderPairs } from './single-reader';

/**
 * Conv (or ConvTranspose) followed by an inference BatchNormalization becomes one Conv with scaled weights and a
 * shifted bias: w' = w·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β. One fewer node, and one
 * quantized weight that already holds the normalisation.
 */
export function foldBatchNormalization(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const constants = initializerMap(graph);
  const removed = new Set<object>();
  for (const { producer: conv, consumer: norm } of singleReaderPairs(graph, ['Conv', 'ConvTranspose'], 'BatchNormalization')) {
    const weight = constants.get(conv.input[1]);
    const parameters = norm.input.slice(1, 5).map((name) => constants.get(name));
    const bias = conv.input[2] ? constants.get(conv.input[2]) : undefined;
    if (!weight || weight.data_type !== DataType.FLOAT || parameters.some((p) => !p || p.data_type !== DataType.FLOAT) || (conv.input[2] && !bias)) continue;
    if (norm.output.length > 1 && norm.output.slice(1).some((name) => name)) continue;
    const transposed = conv.op_type === 'ConvTranspose';
    if (transposed && intAttribute(conv, 'group', 1) !== 1) continue;
    const [gamma, beta, mean, variance] = parameters.map((p) => tensorValues(p!) as Float32Array);
    const epsilon = floatAttribute(norm, 'epsilon', 1e-5);
    const dims = tensorDims(weight);
    const channels = transposed ? dims[1] : dims[0];
    if (gamma.length !== channels) continue;
    const factor = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + epsilon));
    const w = Float32Array.from(tensorValues(weight) as Float32Array);
    const inner = dims.slice(2).reduce((a, b) => a * b, 1);
    for (let i = 0; i < w.length; i++) {
      const channel = transposed ? Math.floor(i / inner) % channels : Math.floor(i / (w.length / channels));
      w[i] *= factor[channel];
    }
    const oldBias = bias ? (tensorValues(bias) as Float32Array) : new Float32Array(channels);
    const b = Float32Array.from(oldBias, (value, c) => (value - mean[c]) * factor[c] + beta[c]);
    const weightName = `${conv.input[1]}_bn_folded`;
    const biasName = `${conv.output[0]}_bn_folded_bias`;
    graph.initializer.push(typedTensor(weightName, DataType.FLOAT, dims, w), typedTensor(biasName, DataType.FLOAT, [channels], b));
    conv.input = [conv.input[0], weightName, biasName];
    conv.output = [norm.output[0]];
    removed.add(norm);
  }
  graph.node = graph.node.filter((node) => !removed.has(node));
  return model;
}
