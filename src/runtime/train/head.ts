import { createMessage, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, toNumber } from '../onnx/codec';
import { DataType, elementCount, tensorDims } from '../onnx/dtypes';
import { initializerMap, producerMap } from '../onnx/graph';
import { makeTensor } from '../grad/emitter';

/** The classifier's last linear layer: Gemm(x, W, b), or MatMul(x, W) followed by Add(·, b). */
export interface ClassifierHead {
  /** The node that produces the logits (the Gemm, or the Add after a MatMul). */
  node: OnnxNode;
  kind: 'gemm' | 'matmul';
  /** The node that multiplies by the weight (the Gemm itself, or the MatMul). */
  linear: OnnxNode;
  /** The weight initializer, possibly reached through a Reshape/Identity/Transpose of it. */
  weight: string;
  classes: number;
  inFeatures: number;
}

/** Thrown when the model's classifier head and the data's classes do not fit together. */
export class HeadMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadMismatchError';
  }
}

/** Operators that only move or relabel a tensor's values. */
export const PASS_THROUGH_OPS = new Set(['Reshape', 'Identity', 'Transpose', 'Squeeze', 'Unsqueeze', 'Cast']);

/** The initializer a tensor is computed from through shape-only operators, if any. */
function sourceInitializer(model: OnnxModel, tensor: string): string | undefined {
  const initializers = initializerMap(model.graph);
  const producers = producerMap(model.graph);
  let name = tensor;
  for (;;) {
    if (initializers.has(name)) return name;
    const producer = producers.get(name);
    if (!producer || !PASS_THROUGH_OPS.has(producer.node.op_type)) return undefined;
    name = producer.node.input[0];
  }
}

/** Finds the last linear layer producing `output`; throws a HeadMismatchError naming what it found instead. */
export function findClassifierHead(model: OnnxModel, output: string): ClassifierHead {
  const producers = producerMap(model.graph);
  const initializers = initializerMap(model.graph);
  const producer = producers.get(output)?.node;
  if (!producer) throw new HeadMismatchError(`the model's output '${output}' is not produced by a node`);
  const weightOf = (node: OnnxNode, position: number) => {
    const weight = sourceInitializer(model, node.input[position]);
    if (!weight) throw new HeadMismatchError(`the classifier head ${node.op_type} node '${node.name || node.output[0]}' does not multiply by a stored weight`);
    return weight;
  };
  if (producer.op_type === 'Gemm') {
    const weight = weightOf(producer, 1);
    const dims = tensorDims(initializers.get(weight)!);
    const transB = toNumber(producer.attribute.find((a) => a.name === 'transB')?.i) !== 0;
    return { node: producer, kind: 'gemm', linear: producer, weight, classes: transB ? dims[0] : dims[1], inFeatures: transB ? dims[1] : dims[0] };
  }
  if (producer.op_type === 'Add' || producer.op_type === 'MatMul') {
    const matmul = producer.op_type === 'MatMul' ? producer : producer.input.map((input) => producers.get(input)?.node).find((node) => node?.op_type === 'MatMul');
    if (matmul) {
      const weight = weightOf(matmul, 1);
      const dims = tensorDims(initializers.get(weight)!);
      const classes = dims[dims.length - 1];
      return { node: producer, kind: 'matmul', linear: matmul, weight, classes, inFeatures: elementCount(dims) / classes };
    }
  }
  throw new HeadMismatchError(`the model's output '${output}' comes from a ${producer.op_type} node '${producer.name || output}', not from a Gemm or MatMul(+Add) classifier head`);
}

/** PyTorch's nn.Linear (and nn.Conv2d) default: weight and bias uniform in ±1/√fan_in (kaiming_uniform with a = √5). */
export function pytorchDefaultInit(count: number, fanIn: number, random: () => number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (random() * 2 - 1) * bound;
  return values;
}

function withOutputClasses(info: OnnxValueInfo, classes: number): OnnxValueInfo {
  const dims = info.type?.tensor_type?.shape?.dim;
  if (!dims || dims.length < 2) return info;
  const dim = dims.map((entry, axis) => (axis === dims.length - 1 ? { dim_value: classes } : entry));
  return createMessage<OnnxValueInfo>('ValueInfoProto', { ...info, type: { tensor_type: { ...info.type!.tensor_type, shape: { dim } } } });
}

/**
 * A copy of the model whose classifier head is a new linear layer for `classes` classes, initialized like
 * PyTorch's nn.Linear: Gemm(x, W[classes, in], b[classes], transB=1) in place of the old Gemm, or MatMul and Add.
 */
export function replaceClassifierHead(model: OnnxModel, output: string, classes: number, random: () => number): OnnxModel {
  const head = findClassifierHead(model, output);
  const graph = model.graph;
  const taken = new Set([...graph.initializer.map((t) => t.name ?? ''), ...graph.node.flatMap((n) => [...n.input, ...n.output])]);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const weightName = fresh('head.weight');
  const biasName = fresh('head.bias');
  const weight: OnnxTensor = makeTensor(weightName, DataType.FLOAT, [classes, head.inFeatures], pytorchDefaultInit(classes * head.inFeatures, head.inFeatures, random));
  const bias: OnnxTensor = makeTensor(biasName, DataType.FLOAT, [classes], pytorchDefaultInit(classes, head.inFeatures, random));
  const features = head.linear.input[0];
  // A MatMul head may see [N, ..., in]; Flatten keeps Gemm's 2-D input requirement for the usual [N, in] case too.
  const flattened = fresh(`${features}_flat`);
  const replaced = new Set([head.node, head.linear]);
  const nodes: OnnxNode[] = [];
  for (const node of graph.node) {
    if (node === head.node) {
      nodes.push(createMessage<OnnxNode>('NodeProto', { name: fresh('head_flatten'), op_type: 'Flatten', input: [features], output: [flattened], attribute: [{ name: 'axis', type: 2, i: 1 }] }));
      nodes.push(createMessage<OnnxNode>('NodeProto', {
        name: fresh('head'), op_type: 'Gemm', input: [flattened, weightName, biasName], output: [output],
        attribute: [{ name: 'transB', type: 2, i: 1 }],
      }));
    } else if (!replaced.has(node)) nodes.push(node);
  }
  const initializer = [...graph.initializer, weight, bias];
  const stored = new Set(graph.initializer.map((tensor) => tensor.name ?? ''));
  const pruned = pruneUnused(nodes, new Set(graph.output.map((o) => o.name)));
  const stillUsed = new Set(pruned.flatMap((node) => node.input));
  return {
    ...model,
    graph: {
      ...graph,
      node: pruned,
      initializer: initializer.filter((tensor) => stillUsed.has(tensor.name ?? '')),
      input: graph.input.filter((input) => stillUsed.has(input.name) || !stored.has(input.name)),
      output: graph.output.map((info) => (info.name === output ? withOutputClasses(info, classes) : info)),
      value_info: (graph.value_info ?? []).filter((info) => info.name !== output),
    },
  };
}

/** Drops nodes whose outputs nothing reads (the old head's weight reshapes). */
function pruneUnused(nodes: OnnxNode[], outputs: Set<string>): OnnxNode[] {
  let kept = nodes;
  for (;;) {
    const read = new Set([...kept.flatMap((node) => node.input), ...outputs]);
    const next = kept.filter((node) => node.output.some((name) => read.has(name)));
    if (next.length === kept.length) return kept;
    kept = next;
  }
}
