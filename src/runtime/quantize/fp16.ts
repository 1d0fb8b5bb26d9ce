import { createMessage, type OnnxModel, type OnnxNode, type OnnxValueInfo } from '../onnx/codec';
import { DataType, float32ToFloat16, tensorValues } from '../onnx/dtypes';
import { initializerMap, topologicalOrder } from '../onnx/graph';
import { inferShapes } from '../onnx/shapes';
import { createSession } from '../onnx/session';
import { dropUnusedInitializers, editableCopy, makeNode, Names, typedTensor } from './graph-edit';
import { quantizeNodeName, type KeptFloat } from './qdq';

/** Inputs that stay float32 whatever the compute type (Resize's scales). */
const FLOAT32_INPUTS: Record<string, number[]> = { Resize: [2] };

/**
 * Whether onnxruntime's CPU provider has a float16 kernel for this node: a one-node model with float16 in place of
 * every float32 tensor is loaded, and kernel lookup fails at load when there is none.
 */
async function hasFloat16Kernel(model: OnnxModel, node: OnnxNode, isFloat: (name: string) => boolean, cache: Map<string, boolean>): Promise<boolean> {
  const key = `${node.domain ?? ''}:${node.op_type}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const constants = initializerMap(model.graph);
  const keepFloat32 = FLOAT32_INPUTS[node.op_type] ?? [];
  const inputs: OnnxValueInfo[] = [];
  const initializer = [];
  for (const [index, name] of node.input.entries()) {
    if (!name) continue;
    const constant = constants.get(name);
    if (constant && (!isFloat(name) || keepFloat32.includes(index))) { initializer.push(constant); continue; }
    const type = isFloat(name) && !keepFloat32.includes(index) ? DataType.FLOAT16 : constant?.data_type ?? DataType.INT64;
    if (!inputs.some((input) => input.name === name)) inputs.push(createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: type } } }));
  }
  const outputs = node.output.filter(Boolean).map((name) => createMessage<OnnxValueInfo>('ValueInfoProto', { name }));
  const probe = createMessage<OnnxModel>('ModelProto', {
    ir_version: model.ir_version, opset_import: model.opset_import, producer_name: 'fp16-probe',
    graph: { name: 'probe', node: [node], input: inputs, output: outputs, initializer, value_info: [] },
  });
  let supported = true;
  try {
    await (await createSession(probe, { optimization: 'disabled' })).release();
  } catch {
    supported = false;
  }
  cache.set(key, supported);
  return supported;
}

const setElemType = (info: OnnxValueInfo, type: number) => createMessage<OnnxValueInfo>('ValueInfoProto', { ...info, type: { ...info.type, tensor_type: { ...info.type?.tensor_type, elem_type: type } } });

/**
 * Float16 weights and compute. Operators without a float16 kernel on onnxruntime's CPU provider keep float32, with
 * Casts around them; graph inputs and outputs stay float32 when `keepIoFloat32` is set.
 */
export async function convertToFloat16(prepared: OnnxModel, keepIoFloat32: boolean): Promise<{ model: OnnxModel; convertedNodes: number; keptFloat: KeptFloat[] }> {
  const model = editableCopy(prepared);
  const graph = model.graph;
  const facts = inferShapes(model);
  const names = new Names(graph);
  const isFloat = (name: string) => !!name && facts.get(name)?.dtype === DataType.FLOAT;
  const cache = new Map<string, boolean>();
  // Current element type of every float tensor.
  const typeOf = new Map<string, number>();
  graph.initializer = graph.initializer.map((tensor) => {
    if (tensor.data_type !== DataType.FLOAT) return tensor;
    typeOf.set(tensor.name ?? '', DataType.FLOAT16);
    return typedTensor(tensor.name ?? '', DataType.FLOAT16, tensor.dims.map(Number), Uint16Array.from(tensorValues(tensor) as Float32Array, float32ToFloat16));
  });
  const inputType = keepIoFloat32 ? DataType.FLOAT : DataType.FLOAT16;
  graph.input = graph.input.map((input) => {
    if (input.type?.tensor_type?.elem_type !== DataType.FLOAT) return input;
    typeOf.set(input.name, inputType);
    return setElemType(input, inputType);
  });

  const casts = new Map<string, string>();
  const castTo = (tensor: string, type: number, into: OnnxNode[]) => {
    if (typeOf.get(tensor) === type) return tensor;
    const key = `${tensor}->${type}`;
    let name = casts.get(key);
    if (!name) {
      name = names.fresh(`${tensor}_${type === DataType.FLOAT16 ? 'fp16' : 'fp32'}`);
      into.push(makeNode('Cast', [tensor], [name], names.fresh(`${name}_Cast`), { to: type }));
      typeOf.set(name, type);
      casts.set(key, name);
    }
    return name;
  };

  const nodes: OnnxNode[] = [];
  const keptFloat: KeptFloat[] = [];
  let convertedNodes = 0;
  for (const node of topologicalOrder(graph)) {
    const floatIn = node.input.some(isFloat) || node.output.some(isFloat);
    if (!floatIn) { nodes.push(node); continue; }
    if (node.op_type === 'Cast') {
      node.input = [castTo(node.input[0], isFloat(node.input[0]) ? (typeOf.get(node.input[0]) ?? DataType.FLOAT) : DataType.FLOAT, nodes)];
      nodes.push(node);
      if (isFloat(node.output[0])) typeOf.set(node.output[0], DataType.FLOAT);
      continue;
    }
    const supported = await hasFloat16Kernel(prepared, node, isFloat, cache);
    const type = supported ? DataType.FLOAT16 : DataType.FLOAT;
    const keepFloat32 = FLOAT32_INPUTS[node.op_type] ?? [];
    node.input = node.input.map((input, index) => (isFloat(input) ? castTo(input, keepFloat32.includes(index) ? DataType.FLOAT : type, nodes) : input));
    for (const output of node.output) if (isFloat(output)) typeOf.set(output, type);
    if (supported) convertedNodes++;
    else keptFloat.push({ name: quantizeNodeName(node), opType: node.op_type, reason: `onnxruntime's CPU provider has no float16 kernel for ${node.op_type}` });
    nodes.push(node);
  }

  // Graph outputs in the requested type: the producer writes a renamed tensor and a Cast gives the output back.
  const outputType = keepIoFloat32 ? DataType.FLOAT : DataType.FLOAT16;
  for (const output of graph.output) {
    const current = typeOf.get(output.name);
    if (current === undefined || current === outputType) continue;
    const renamed = names.fresh(`${output.name}_${current === DataType.FLOAT16 ? 'fp16' : 'fp32'}`);
    for (const node of nodes) {
      node.output = node.output.map((name) => (name === output.name ? renamed : name));
      node.input = node.input.map((name) => (name === output.name ? renamed : name));
    }
    nodes.push(makeNode('Cast', [renamed], [output.name], names.fresh(`${output.name}_Cast`), { to: outputType }));
  }
  graph.output = graph.output.map((output) => (output.type?.tensor_type?.elem_type === DataType.FLOAT ? setElemType(output, outputType) : output));
  graph.node = nodes;
  // Declared intermediate types are stale now; onnxruntime infers them again.
  graph.value_info = [];
  return { model: dropUnusedInitializers(model), convertedNodes, keptFloat };
}
