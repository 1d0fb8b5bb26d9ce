import { createMessage, isDefaultDomain, OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, toNumber } from './codec';
import { DataType, tensorDims, tensorValues } from './dtypes';

function float32Tensor(tensor: OnnxTensor): OnnxTensor {
  const values = tensorValues(tensor) as Float32Array;
  return createMessage<OnnxTensor>('TensorProto', {
    name: tensor.name, dims: tensor.dims, data_type: DataType.FLOAT, doc_string: tensor.doc_string,
    raw_data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}

const convertTensor = (tensor: OnnxTensor) => (tensor.data_type === DataType.FLOAT16 ? float32Tensor(tensor) : tensor);

function convertValueInfo(info: OnnxValueInfo): OnnxValueInfo {
  const tensorType = info.type?.tensor_type;
  if (tensorType?.elem_type !== DataType.FLOAT16) return info;
  return createMessage<OnnxValueInfo>('ValueInfoProto', { ...info, type: { ...info.type, tensor_type: { ...tensorType, elem_type: DataType.FLOAT } } });
}

/** Attributes that name an element type (Cast's `to`, the `dtype` of generators) or hold tensors and subgraphs. */
function convertAttribute(attribute: OnnxAttribute): OnnxAttribute {
  const namesType = (attribute.name === 'to' || attribute.name === 'dtype') && attribute.i !== undefined && attribute.i !== null;
  if (namesType && toNumber(attribute.i) === DataType.FLOAT16) return createMessage<OnnxAttribute>('AttributeProto', { ...attribute, i: DataType.FLOAT });
  if (attribute.t || attribute.g || attribute.tensors?.length || attribute.graphs?.length) {
    return createMessage<OnnxAttribute>('AttributeProto', {
      ...attribute,
      t: attribute.t ? convertTensor(attribute.t) : undefined,
      g: attribute.g ? convertGraph(attribute.g) : undefined,
      tensors: attribute.tensors?.map(convertTensor),
      graphs: attribute.graphs?.map(convertGraph),
    });
  }
  return attribute;
}

function convertGraph(graph: OnnxGraph): OnnxGraph {
  return createMessage<OnnxGraph>('GraphProto', {
    ...graph,
    node: graph.node.map((node) => createMessage<OnnxNode>('NodeProto', { ...node, attribute: (node.attribute ?? []).map(convertAttribute) })),
    initializer: (graph.initializer ?? []).map(convertTensor),
    input: (graph.input ?? []).map(convertValueInfo),
    output: (graph.output ?? []).map(convertValueInfo),
    value_info: (graph.value_info ?? []).map(convertValueInfo),
  });
}

function copyModel(model: OnnxModel, graph: OnnxGraph): OnnxModel {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(model)) copy[key] = model[key];
  copy.graph = graph;
  return createMessage<OnnxModel>('ModelProto', copy);
}

/**
 * A float32 copy of a float16 model: every float16 tensor (initializers, Constant values, subgraphs) becomes float32,
 * Cast-to-float16 casts to float32, and graph inputs, outputs and value_info change type with them.
 * The original model is not modified.
 */
export function convertFloat16ToFloat32(model: OnnxModel): OnnxModel {
  return copyModel(model, convertGraph(model.graph));
}

/**
 * Moves the tensors of Constant nodes (with a `value` tensor) into graph initializers named after the node's output,
 * and drops those nodes. Models older than IR 4 also list each new initializer as a graph input, as that IR requires.
 */
export function constantsToInitializers(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const moved: OnnxTensor[] = [];
  const kept: OnnxNode[] = [];
  for (const node of graph.node) {
    const value = node.op_type === 'Constant' && isDefaultDomain(node.domain) ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (value && node.output[0]) moved.push(createMessage<OnnxTensor>('TensorProto', { ...value, name: node.output[0] }));
    else kept.push(node);
  }
  const needsInputs = toNumber(model.ir_version) < 4;
  const inputs = needsInputs
    ? moved.map((tensor) => createMessage<OnnxValueInfo>('ValueInfoProto', {
      name: tensor.name,
      type: { tensor_type: { elem_type: tensor.data_type, shape: { dim: tensorDims(tensor).map((dim) => ({ dim_value: dim })) } } },
    }))
    : [];
  return copyModel(model, createMessage<OnnxGraph>('GraphProto', {
    ...graph,
    node: kept,
    initializer: [...(graph.initializer ?? []), ...moved],
    input: [...(graph.input ?? []), ...inputs],
  }));
}
