import { createMessage, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, toNumber } from './codec';
import { createSession, onnxruntime } from './session';

/** Thrown when a graph's nodes cannot be ordered: a cycle, or a node that reads a tensor nobody produces. */
export class GraphStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphStructureError';
  }
}

/** The name a node shows in tables and errors: its own name, or `${op_type}_${index}` when it has none. */
export function nodeName(node: OnnxNode, index: number): string {
  return node.name ? node.name : `${node.op_type}_${index}`;
}

export function initializerMap(graph: OnnxGraph): Map<string, OnnxTensor> {
  return new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
}

/** Graph inputs a caller must feed. IR-3 models also list every initializer as an input: those are weights. */
export function realInputs(graph: OnnxGraph): OnnxValueInfo[] {
  const initializers = initializerMap(graph);
  return (graph.input ?? []).filter((input) => !initializers.has(input.name));
}

export interface ProducerEntry { node: OnnxNode; index: number; outputIndex: number }
export interface ConsumerEntry { node: OnnxNode; index: number; inputIndex: number }

/** Tensor name → the node that writes it. */
export function producerMap(graph: OnnxGraph): Map<string, ProducerEntry> {
  const producers = new Map<string, ProducerEntry>();
  graph.node.forEach((node, index) => {
    node.output.forEach((name, outputIndex) => {
      if (name) producers.set(name, { node, index, outputIndex });
    });
  });
  return producers;
}

/** Tensor name → every node input slot that reads it. */
export function consumerMap(graph: OnnxGraph): Map<string, ConsumerEntry[]> {
  const consumers = new Map<string, ConsumerEntry[]>();
  graph.node.forEach((node, index) => {
    node.input.forEach((name, inputIndex) => {
      if (!name) return;
      const list = consumers.get(name) ?? [];
      list.push({ node, index, inputIndex });
      consumers.set(name, list);
    });
  });
  return consumers;
}

/** Names a subgraph (If/Loop/Scan body) reads from its enclosing scope. */
function outerScopeReads(graph: OnnxGraph): Set<string> {
  const defined = new Set<string>([...(graph.input ?? []).map((i) => i.name), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  const reads = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const name of node.input) if (name && !defined.has(name)) reads.add(name);
    for (const attribute of node.attribute ?? []) {
      for (const subgraph of [attribute.g, ...(attribute.graphs ?? [])]) {
        if (subgraph) for (const name of outerScopeReads(subgraph)) if (!defined.has(name)) reads.add(name);
      }
    }
    for (const name of node.output) if (name) defined.add(name);
  }
  return reads;
}

function nodeReads(node: OnnxNode): string[] {
  const reads = node.input.filter((name) => name);
  for (const attribute of node.attribute ?? []) {
    for (const subgraph of [attribute.g, ...(attribute.graphs ?? [])]) if (subgraph) reads.push(...outerScopeReads(subgraph));
  }
  return reads;
}

/**
 * Nodes in an order where every node comes after the producers of its inputs (Kahn's algorithm, stable: ties keep
 * file order). Throws a GraphStructureError naming a node on a cycle.
 */
export function topologicalOrder(graph: OnnxGraph, outerScope: Iterable<string> = []): OnnxNode[] {
  const producers = producerMap(graph);
  const available = new Set<string>([...outerScope, ...(graph.input ?? []).map((i) => i.name), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  const waitingOn = graph.node.map((node) => new Set(nodeReads(node).filter((name) => !available.has(name) && producers.has(name))));
  const dependents = new Map<string, number[]>();
  waitingOn.forEach((names, index) => {
    for (const name of names) dependents.set(name, [...(dependents.get(name) ?? []), index]);
  });
  const ready = waitingOn.map((names, index) => (names.size === 0 ? index : -1)).filter((index) => index >= 0);
  const order: OnnxNode[] = [];
  const done = new Set<number>();
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const index = ready.shift()!;
    done.add(index);
    order.push(graph.node[index]);
    for (const name of graph.node[index].output) {
      for (const dependent of dependents.get(name) ?? []) {
        const waiting = waitingOn[dependent];
        if (waiting.delete(name) && waiting.size === 0) ready.push(dependent);
      }
    }
  }
  if (order.length < graph.node.length) {
    const stuck = graph.node.findIndex((_, index) => !done.has(index));
    const node = graph.node[stuck];
    throw new GraphStructureError(`the graph has a cycle through node ${nodeName(node, stuck)} (${node.op_type}), which waits on ${[...waitingOn[stuck]].join(', ')}`);
  }
  return order;
}

/** Every tensor a node writes, in topological order, excluding names that are already graph outputs. */
export function intermediateTensors(graph: OnnxGraph): string[] {
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  return topologicalOrder(graph).flatMap((node) => node.output.filter((name) => name && !outputs.has(name)));
}

function shallowGraph(graph: OnnxGraph, changes: Partial<OnnxGraph>): OnnxGraph {
  const { node, initializer, input, output, value_info, name, doc_string } = graph;
  return createMessage<OnnxGraph>('GraphProto', {
    node, initializer, input, output, value_info, name, doc_string,
    sparse_initializer: graph.sparse_initializer, quantization_annotation: graph.quantization_annotation,
    ...changes,
  });
}

function shallowModel(model: OnnxModel, graph: OnnxGraph): OnnxModel {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(model)) copy[key] = model[key];
  copy.graph = graph;
  return createMessage<OnnxModel>('ModelProto', copy);
}

/** A value-info with the declared type where the model declares one, else a name only (runtimes infer the rest). */
function valueInfoFor(graph: OnnxGraph, name: string): OnnxValueInfo {
  const declared = [...(graph.value_info ?? []), ...(graph.output ?? []), ...(graph.input ?? [])].find((info) => info.name === name);
  return declared ?? createMessage<OnnxValueInfo>('ValueInfoProto', { name });
}

/**
 * A new model whose graph also outputs the given intermediate tensors (all of them when `names` is omitted).
 * Tensors share storage with the original, which stays untouched.
 */
export function exposeTensors(model: OnnxModel, names?: string[]): OnnxModel {
  const graph = model.graph;
  const existing = new Set(graph.output.map((o) => o.name));
  const producers = producerMap(graph);
  const wanted = names ?? intermediateTensors(graph);
  for (const name of wanted) {
    if (!producers.has(name) && !existing.has(name)) throw new GraphStructureError(`no node produces tensor ${name}`);
  }
  const extra = wanted.filter((name) => !existing.has(name)).map((name) => {
    const declared = valueInfoFor(graph, name);
    // A declared shape can be stale or partial; asking only for the element type keeps runtimes from rejecting it.
    const elemType = declared.type?.tensor_type?.elem_type;
    return createMessage<OnnxValueInfo>('ValueInfoProto', elemType ? { name, type: { tensor_type: { elem_type: elemType } } } : { name });
  });
  return shallowModel(model, shallowGraph(graph, { output: [...graph.output, ...extra] }));
}

/**
 * The part of the model that computes `outputs` from `inputs`: the nodes on the paths between them, the
 * initializers those nodes read, and the given tensors as the new graph inputs.
 */
export function extractSubgraph(model: OnnxModel, inputs: string[], outputs: string[]): OnnxModel {
  const graph = model.graph;
  const producers = producerMap(graph);
  const initializers = initializerMap(graph);
  const boundary = new Set(inputs);
  const keep = new Set<number>();
  const usedInitializers = new Set<string>();
  const pending = [...outputs];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (boundary.has(name)) continue;
    if (initializers.has(name)) { usedInitializers.add(name); continue; }
    const producer = producers.get(name);
    if (!producer) {
      throw new GraphStructureError(`tensor ${name} is needed for the outputs but is neither among the given inputs nor produced by a node`);
    }
    if (keep.has(producer.index)) continue;
    keep.add(producer.index);
    pending.push(...nodeReads(producer.node));
  }
  const nodes = graph.node.filter((_, index) => keep.has(index));
  const subgraph = shallowGraph(graph, {
    node: nodes,
    initializer: graph.initializer.filter((tensor) => usedInitializers.has(tensor.name ?? '')),
    input: inputs.map((name) => valueInfoFor(graph, name)),
    output: outputs.map((name) => valueInfoFor(graph, name)),
    value_info: (graph.value_info ?? []).filter((info) => seen.has(info.name)),
  });
  return shallowModel(model, subgraph);
}

const runtimeTensorTypes: Record<number, [string, (count: number) => ArrayLike<unknown>]> = {
  1: ['float32', (n) => new Float32Array(n)], 10: ['float16', (n) => new Uint16Array(n)], 11: ['float64', (n) => new Float64Array(n)],
  2: ['uint8', (n) => new Uint8Array(n)], 3: ['int8', (n) => new Int8Array(n)], 6: ['int32', (n) => new Int32Array(n)],
  7: ['int64', (n) => new BigInt64Array(n)], 9: ['bool', (n) => new Uint8Array(n)],
};

/**
 * Runs the model once in onnxruntime with every intermediate tensor exposed as an output, on zero-filled inputs
 * (symbolic dims take the values in `dims`, else 1), and returns each tensor's actual shape.
 */
export async function runtimeShapes(model: OnnxModel, dims: Record<string, number> = {}): Promise<Map<string, number[]>> {
  const ort = onnxruntime();
  const session = await createSession(exposeTensors(model), { optimization: 'disabled' });
  try {
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const input of realInputs(model.graph)) {
      const tensorType = input.type?.tensor_type;
      const known = runtimeTensorTypes[tensorType?.elem_type ?? 0];
      if (!known) throw new GraphStructureError(`input ${input.name} has a type this helper cannot feed`);
      const shape = (tensorType?.shape?.dim ?? []).map((dim) => {
        const value = toNumber(dim.dim_value);
        return value > 0 ? value : dims[dim.dim_param ?? ''] ?? 1;
      });
      const count = shape.reduce((product, dim) => product * dim, 1);
      feeds[input.name] = new ort.Tensor(known[0] as 'float32', known[1](count) as Float32Array, shape);
    }
    const results = await session.run(feeds);
    return new Map(Object.entries(results).map(([name, tensor]) => [name, [...tensor.dims]]));
  } finally {
    await session.release();
  }
}

/**
 * A copy whose graph inputs and outputs take any size on their first axis (named `name`), with the intermediate
 * shape declarations dropped, so several samples run at once. Whether the graph really keeps samples apart (a
 * Reshape to a fixed [1, …] does not) is for the caller to check on a result.
 */
export function withDynamicBatch(model: OnnxModel, name = 'batch'): OnnxModel {
  const graph = model.graph;
  const initializers = initializerMap(graph);
  const batched = (value: OnnxValueInfo): OnnxValueInfo => {
    const dims = value.type?.tensor_type?.shape?.dim;
    if (initializers.has(value.name) || !dims || dims.length === 0) return value;
    const tensorType = value.type!.tensor_type!;
    return createMessage<OnnxValueInfo>('ValueInfoProto', {
      ...value,
      type: { ...value.type, tensor_type: { ...tensorType, shape: { ...tensorType.shape, dim: [{ dim_param: name }, ...dims.slice(1)] } } },
    });
  };
  return shallowModel(model, shallowGraph(graph, { input: graph.input.map(batched), output: graph.output.map(batched), value_info: [] }));
}
