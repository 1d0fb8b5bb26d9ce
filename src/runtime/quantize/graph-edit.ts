import { createMessage, OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, toNumber } from '../onnx/codec';
import { DataType, tensorDims, tensorValues } from '../onnx/dtypes';
import { makeAttribute, type AttributeValue } from '../grad/emitter';

/** Thrown for models or settings a quantization run cannot take; the message names the file, node or setting. */
export class QuantizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantizeError';
  }
}

export function attributeOf(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return (node.attribute ?? []).find((attribute) => attribute.name === name);
}

export function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const attribute = attributeOf(node, name);
  return attribute && attribute.i !== undefined && attribute.i !== null ? toNumber(attribute.i) : fallback;
}

export function floatAttribute(node: OnnxNode, name: string, fallback: number): number {
  return attributeOf(node, name)?.f ?? fallback;
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  return attributeOf(node, name)?.ints?.map(toNumber);
}

export function makeNode(opType: string, input: string[], output: string[], name: string, attributes: Record<string, AttributeValue> = {}, domain?: string): OnnxNode {
  const attribute = Object.entries(attributes).map(([key, value]) => makeAttribute(key, value));
  return createMessage<OnnxNode>('NodeProto', { op_type: opType, input, output, name, attribute, ...(domain ? { domain } : {}) });
}

type TypedValues = Float32Array | Int8Array | Uint8Array | Int32Array | Uint16Array | BigInt64Array;

/** An initializer whose raw_data is the given typed array (little endian, as every supported platform is). */
export function typedTensor(name: string, dataType: number, dims: number[], values: TypedValues): OnnxTensor {
  return createMessage<OnnxTensor>('TensorProto', { name, data_type: dataType, dims, raw_data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
}

export function floatValues(tensor: OnnxTensor): Float32Array {
  if (tensor.data_type !== DataType.FLOAT) throw new QuantizeError(`tensor ${tensor.name} is not float32`);
  return tensorValues(tensor) as Float32Array;
}

export { tensorDims };

/** Every name used in a graph, so that new tensors and nodes get names of their own. */
export class Names {
  private readonly taken = new Set<string>();

  constructor(graph: OnnxGraph) {
    for (const info of [...graph.input, ...graph.output, ...(graph.value_info ?? [])]) this.taken.add(info.name);
    for (const tensor of graph.initializer) this.taken.add(tensor.name ?? '');
    for (const node of graph.node) {
      for (const name of [...node.input, ...node.output]) this.taken.add(name);
      if (node.name) this.taken.add(node.name);
    }
  }

  fresh(base: string): string {
    let name = base;
    for (let counter = 1; this.taken.has(name); counter++) name = `${base}_${counter}`;
    this.taken.add(name);
    return name;
  }
}

/** A model whose graph lists and nodes can be changed without touching `model`'s (tensor data stays shared). */
export function editableCopy(model: OnnxModel): OnnxModel {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(model)) copy[key] = model[key];
  const graph = model.graph;
  copy.graph = createMessage<OnnxGraph>('GraphProto', {
    ...graph,
    node: graph.node.map((node) => createMessage<OnnxNode>('NodeProto', { ...node, input: [...node.input], output: [...node.output], attribute: [...(node.attribute ?? [])] })),
    initializer: [...(graph.initializer ?? [])],
    input: [...(graph.input ?? [])],
    output: [...(graph.output ?? [])],
    value_info: [...(graph.value_info ?? [])],
  });
  copy.opset_import = model.opset_import.map((entry) => ({ ...entry }));
  return createMessage<OnnxModel>('ModelProto', copy);
}

/** Sets the default-domain opset (and an IR version that allows it). */
export function setDefaultOpset(model: OnnxModel, version: number): void {
  const entry = model.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (entry) entry.version = version;
  else model.opset_import.push({ domain: '', version });
  // IR 7 is the first that opset 13 models may declare.
  if (toNumber(model.ir_version) < 7) model.ir_version = 7;
}

/** Adds an opset import for a non-default domain (com.microsoft contrib operators) when it is missing. */
export function importDomain(model: OnnxModel, domain: string, version: number): void {
  if (!model.opset_import.some((o) => o.domain === domain)) model.opset_import.push({ domain, version });
}

export const isDefaultDomain = (node: OnnxNode) => !node.domain || node.domain === 'ai.onnx';

/** Initializers no node reads any more (after a fold or a rewrite) are dropped. */
export function dropUnusedInitializers(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const read = new Set([...graph.node.flatMap((node) => node.input), ...graph.output.map((output) => output.name)]);
  graph.initializer = graph.initializer.filter((tensor) => read.has(tensor.name ?? ''));
  return model;
}
