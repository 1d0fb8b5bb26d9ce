import type { OnnxModel, OnnxNode, OnnxTensor } from '../../onnx/codec';
import { DataType, tensorValues } from '../../onnx/dtypes';
import { initializerMap } from '../../onnx/graph';
import { intAttribute, intsAttribute, isDefaultDomain, tensorDims, typedTensor } from '../graph-edit';

function int64Values(tensor: OnnxTensor | undefined): number[] | undefined {
  if (!tensor || tensor.data_type !== DataType.INT64) return undefined;
  return Array.from(tensorValues(tensor) as BigInt64Array, Number);
}

function reshapeDims(dims: number[], shape: number[]): number[] {
  const count = dims.reduce((a, b) => a * b, 1);
  const result = shape.map((dim, axis) => (dim === 0 ? dims[axis] : dim));
  const known = result.filter((dim) => dim !== -1).reduce((a, b) => a * b, 1);
  return result.map((dim) => (dim === -1 ? count / known : dim));
}

function transpose(values: Float32Array, dims: number[], perm: number[]): { values: Float32Array; dims: number[] } {
  const outDims = perm.map((axis) => dims[axis]);
  const rank = dims.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) inStrides[axis] = inStrides[axis + 1] * dims[axis + 1];
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let source = 0;
    for (let axis = 0; axis < rank; axis++) source += index[axis] * inStrides[perm[axis]];
    out[i] = values[source];
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis] < outDims[axis]) break;
      index[axis] = 0;
    }
  }
  return { values: out, dims: outDims };
}

/** The new dims of a shape-only operator applied to a constant, or undefined when it is not one. */
function foldedDims(node: OnnxNode, dims: number[], constants: Map<string, OnnxTensor>): number[] | undefined {
  switch (node.op_type) {
    case 'Reshape': {
      const shape = int64Values(constants.get(node.input[1]));
      return shape ? reshapeDims(dims, shape) : undefined;
    }
    case 'Flatten': {
      const axis = intAttribute(node, 'axis', 1);
      const at = axis < 0 ? axis + dims.length : axis;
      return [dims.slice(0, at).reduce((a, b) => a * b, 1), dims.slice(at).reduce((a, b) => a * b, 1)];
    }
    case 'Squeeze': {
      const axes = (node.input[1] ? int64Values(constants.get(node.input[1])) : undefined)?.map((a) => (a < 0 ? a + dims.length : a));
      if (node.input[1] && !axes) return undefined;
      return dims.filter((dim, axis) => (axes ? !axes.includes(axis) : dim !== 1));
    }
    case 'Unsqueeze': {
      const axes = int64Values(constants.get(node.input[1]));
      if (!axes) return undefined;
      const rank = dims.length + axes.length;
      const normalised = axes.map((a) => (a < 0 ? a + rank : a));
      const result: number[] = [];
      let next = 0;
      for (let axis = 0; axis < rank; axis++) result.push(normalised.includes(axis) ? 1 : dims[next++]);
      return result;
    }
    default:
      return undefined;
  }
}

/**
 * Shape operators applied to float weights (mnist.onnx reshapes its dense weight at run time) are evaluated once,
 * so that the quantizer sees the weight as an initializer of the operator that uses it.
 */
export function foldConstants(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const constants = initializerMap(graph);
  const graphOutputs = new Set(graph.output.map((output) => output.name));
  graph.node = graph.node.filter((node) => {
    if (!isDefaultDomain(node) || graphOutputs.has(node.output[0])) return true;
    const source = constants.get(node.input[0]);
    if (!source || source.data_type !== DataType.FLOAT) return true;
    const dims = tensorDims(source);
    let result: { values: Float32Array; dims: number[] } | undefined;
    if (node.op_type === 'Transpose') {
      const perm = intsAttribute(node, 'perm') ?? dims.map((_, axis) => dims.length - 1 - axis);
      result = transpose(tensorValues(source) as Float32Array, dims, perm);
    } else {
      const newDims = foldedDims(node, dims, constants);
      if (newDims) result = { values: tensorValues(source) as Float32Array, dims: newDims };
    }
    if (!result) return true;
    const tensor = typedTensor(node.output[0], DataType.FLOAT, result.dims, result.values);
    constants.set(node.output[0], tensor);
    graph.initializer.push(tensor);
    return false;
  });
  return model;
}
