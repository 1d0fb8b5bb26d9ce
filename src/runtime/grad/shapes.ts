import { createMessage, OnnxModel, OnnxValueInfo, toNumber } from '../onnx/codec';
import { tensorDims } from '../onnx/dtypes';
import { inferShapes } from '../onnx/shapes';
import { createSession, runSession, SessionOptions, TensorValue } from '../onnx/session';

/** Tensor name → dims; -1 marks a dimension whose size is not known statically. */
export type ShapeMap = Record<string, number[]>;

/**
 * Shapes known without running the model: the project's static inference, then what the model declares itself
 * (inputs, outputs, value_info, initializers and Constant nodes).
 */
export function declaredShapes(model: OnnxModel, dims: Record<string, number> = {}): ShapeMap {
  const shapes: ShapeMap = {};
  const graph = model.graph;
  for (const [name, facts] of inferShapes(model, { dims })) {
    if (facts.shape) shapes[name] = facts.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
  }
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.value_info ?? [])]) {
    const dims = info.type?.tensor_type?.shape?.dim;
    if (!dims) continue;
    const declared = dims.map((dim) => (dim.dim_value !== undefined && dim.dim_value !== null && toNumber(dim.dim_value) > 0 ? toNumber(dim.dim_value) : -1));
    const inferred = shapes[info.name];
    // Per dim, a known size wins over an unknown one.
    shapes[info.name] = inferred && inferred.length === declared.length ? declared.map((dim, i) => (dim >= 0 ? dim : inferred[i])) : declared;
  }
  for (const tensor of graph.initializer ?? []) if (tensor.name) shapes[tensor.name] = tensorDims(tensor);
  for (const node of graph.node ?? []) {
    const value = node.op_type === 'Constant' ? node.attribute.find((attribute) => attribute.name === 'value')?.t : undefined;
    if (value) shapes[node.output[0]] = tensorDims(value);
  }
  return shapes;
}

/** Graph value elem types declared by the model (inputs, outputs, value_info, initializers). */
export function declaredTypes(model: OnnxModel): Map<string, number> {
  const types = new Map<string, number>();
  const graph = model.graph;
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.value_info ?? [])]) {
    const type = info.type?.tensor_type?.elem_type;
    if (type) types.set(info.name, type);
  }
  for (const tensor of graph.initializer ?? []) if (tensor.name) types.set(tensor.name, tensor.data_type);
  return types;
}

/**
 * Every tensor's shape from static inference with the symbolic input dims bound to the feeds' sizes, or null when
 * some node output stays unknown. Spares the measuring run of probeShapes, which on a large model at a large input
 * size costs several forward passes (every activation copied out, graph optimizations off).
 */
export function staticShapes(model: OnnxModel, feeds: Record<string, TensorValue>): ShapeMap | null {
  const dims: Record<string, number> = {};
  for (const input of model.graph.input ?? []) {
    const feed = feeds[input.name];
    input.type?.tensor_type?.shape?.dim?.forEach((dim, i) => {
      if (feed && dim.dim_param && feed.dims[i] !== undefined) dims[dim.dim_param] = feed.dims[i];
    });
  }
  const shapes = declaredShapes(model, dims);
  for (const [name, value] of Object.entries(feeds)) shapes[name] = [...value.dims];
  for (const node of model.graph.node) {
    for (const name of node.output) {
      if (name && !(shapes[name] && shapes[name].every((dim) => dim >= 0))) return null;
    }
  }
  return shapes;
}

/**
 * Measures the shape and element type of every tensor by running the forward model once on these feeds with
 * all node outputs exposed.
 */
export async function probeShapes(model: OnnxModel, feeds: Record<string, TensorValue>, options: SessionOptions = {}): Promise<ShapeMap> {
  const exposed = new Set(model.graph.output.map((output) => output.name));
  const extraOutputs: OnnxValueInfo[] = [];
  for (const node of model.graph.node) {
    for (const name of node.output) {
      if (!name || exposed.has(name)) continue;
      exposed.add(name);
      extraOutputs.push(createMessage<OnnxValueInfo>('ValueInfoProto', { name }));
    }
  }
  const probe: OnnxModel = { ...model, graph: { ...model.graph, output: [...model.graph.output, ...extraOutputs] } };
  const inputNames = new Set(model.graph.input.map((input) => input.name));
  const session = await createSession(probe, { ...options, optimization: 'disabled' });
  try {
    const results = await runSession(session, Object.fromEntries(Object.entries(feeds).filter(([name]) => inputNames.has(name))));
    const shapes = declaredShapes(model);
    for (const [name, value] of Object.entries(feeds)) shapes[name] = [...value.dims];
    for (const [name, value] of Object.entries(results)) shapes[name] = [...value.dims];
    return shapes;
  } finally {
    await session.release();
  }
}
