import { createMessage, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, toNumber } from '../onnx/codec';
import { DataType, elementCount, tensorDims, tensorValues } from '../onnx/dtypes';
import { consumerMap, initializerMap, nodeName } from '../onnx/graph';
import type { SessionOptions, TensorValue } from '../onnx/session';
import { buildGradientModel, probeShapes } from '../grad';
import type { ShapeMap } from '../grad';
import type { Objective } from '../grad';
import { defaultOpset } from '../onnx/codec';
import { Emitter, makeAttribute, makeTensor } from '../grad/emitter';
import { PASS_THROUGH_OPS } from './head';

export type LossSpec =
  | { kind: 'cross-entropy' }
  | { kind: 'focal'; gamma: number }
  | { kind: 'binary-cross-entropy' }
  | { kind: 'distillation'; temperature: number; alpha: number };

/** Graph inputs the training graph adds: per-example targets (shaped like the logits) and the teacher's logits. */
export const TARGETS_INPUT = 'train_targets';
export const TEACHER_INPUT = 'train_teacher_logits';

/** Inputs of the operators that compute with a weight (the ones a training run updates). */
const WEIGHT_SLOTS: Record<string, number[]> = {
  Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [0, 1, 2], MatMul: [0, 1], Add: [0, 1], Sub: [0, 1], Mul: [0, 1], Div: [0, 1],
  BatchNormalization: [1, 2], InstanceNormalization: [1, 2], PRelu: [1],
};

function valueInfo(name: string, dims: (number | string)[]): OnnxValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' && d >= 0 ? { dim_value: d } : { dim_param: typeof d === 'string' ? d : '?' }));
  return createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } });
}

function withGraph(model: OnnxModel, changes: Partial<OnnxModel['graph']>): OnnxModel {
  return { ...model, graph: { ...model.graph, ...changes } };
}

/**
 * Lets the batch size vary: the input's and outputs' first dims become symbolic, and Reshape targets that copy a
 * fixed batch of 1 (old exports flatten to [1, features]) copy the input's first dim instead.
 */
export function freeBatchDimension(model: OnnxModel, inputName: string): OnnxModel {
  const graph = model.graph;
  const input = graph.input.find((info) => info.name === inputName);
  if (!input) throw new Error(`the model has no input '${inputName}'`);
  const batch = toNumber(input.type?.tensor_type?.shape?.dim?.[0]?.dim_value);
  const symbolic = (info: OnnxValueInfo): OnnxValueInfo => {
    const dims = info.type?.tensor_type?.shape?.dim;
    if (!dims || dims.length === 0) return info;
    return createMessage<OnnxValueInfo>('ValueInfoProto', { ...info, type: { tensor_type: { ...info.type!.tensor_type, shape: { dim: [{ dim_param: 'batch' }, ...dims.slice(1)] } } } });
  };
  const dependsOnInput = new Set([inputName]);
  for (const node of graph.node) if (node.input.some((name) => dependsOnInput.has(name))) for (const output of node.output) dependsOnInput.add(output);
  const initializers = initializerMap(graph);
  const rewritten = new Map<string, OnnxTensor>();
  if (batch === 1) {
    for (const node of graph.node) {
      const shape = node.op_type === 'Reshape' && dependsOnInput.has(node.input[0]) ? initializers.get(node.input[1]) : undefined;
      if (!shape || shape.data_type !== DataType.INT64) continue;
      const values = Array.from(tensorValues(shape) as BigInt64Array, Number);
      if (values[0] === 1) rewritten.set(shape.name!, makeTensor(shape.name!, DataType.INT64, tensorDims(shape), [0, ...values.slice(1)]));
    }
  }
  return withGraph(model, {
    input: graph.input.map((info) => (info.name === inputName ? symbolic(info) : info)),
    output: graph.output.map(symbolic),
    // Declared intermediate shapes carry the old fixed batch.
    value_info: [],
    initializer: graph.initializer.map((tensor) => rewritten.get(tensor.name ?? '') ?? tensor),
  });
}

/** The nodes that compute with a tensor, looking through shape-only operators (a weight reshaped before a MatMul). */
function computingConsumers(tensor: string, consumers: ReturnType<typeof consumerMap>): { index: number }[] {
  const found: { index: number }[] = [];
  for (const entry of consumers.get(tensor) ?? []) {
    if (PASS_THROUGH_OPS.has(entry.node.op_type) && entry.inputIndex === 0) {
      for (const output of entry.node.output) found.push(...computingConsumers(output, consumers));
    } else if (WEIGHT_SLOTS[entry.node.op_type]?.includes(entry.inputIndex)) found.push({ index: entry.index });
  }
  return found;
}

/**
 * The weights a run trains: float initializers (more than one element) that a layer computes with, except those
 * of layers up to and including `freezeUntil` (a node name or one of its output tensors), which stay fixed.
 */
export function trainableWeights(model: OnnxModel, freezeUntil?: string): string[] {
  const graph = model.graph;
  let frozenUpTo = -1;
  if (freezeUntil) {
    frozenUpTo = graph.node.findIndex((node, index) => nodeName(node, index) === freezeUntil || node.output.includes(freezeUntil));
    if (frozenUpTo < 0) throw new Error(`freeze-until: the model has no layer or tensor named '${freezeUntil}'`);
  }
  const consumers = consumerMap(graph);
  return graph.initializer
    .filter((tensor) => tensor.data_type === DataType.FLOAT && elementCount(tensorDims(tensor)) > 1)
    .filter((tensor) => {
      const users = computingConsumers(tensor.name ?? '', consumers);
      return users.length > 0 && users.every((user) => user.index > frozenUpTo);
    })
    .map((tensor) => tensor.name!);
}

/** A BatchNormalization whose statistics a training step updates. */
export interface RunningStatistics {
  node: string;
  input: string;
  mean: string;
  variance: string;
  momentum: number;
}

function boolTensor(name: string, value: boolean): OnnxTensor {
  return createMessage<OnnxTensor>('TensorProto', { name, data_type: DataType.BOOL, dims: [], raw_data: new Uint8Array([value ? 1 : 0]) });
}

/**
 * The forward graph in training mode: BatchNormalization normalizes with batch statistics (unless frozen) and
 * Dropout (opset 12 on) drops with a random mask, seeded per node so that runs repeat.
 */
function trainingForward(model: OnnxModel, options: { freezeBatchNorm: boolean; seed: number }): { model: OnnxModel; statistics: RunningStatistics[] } {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const initializers = initializerMap(graph);
  const taken = new Set([...graph.initializer.map((t) => t.name ?? ''), ...graph.node.flatMap((node) => node.output), ...graph.input.map((i) => i.name)]);
  const emit = new Emitter(opset, DataType.FLOAT, taken);
  const statistics: RunningStatistics[] = [];
  const extra: OnnxTensor[] = [];
  let trainingFlag: string | undefined;
  const nodes = graph.node.map((node, index): OnnxNode => {
    if (node.domain && node.domain !== 'ai.onnx') return node;
    if (node.op_type === 'BatchNormalization' && !options.freezeBatchNorm && initializers.has(node.input[3]) && initializers.has(node.input[4])) {
      const momentum = node.attribute.find((a) => a.name === 'momentum')?.f ?? 0.9;
      statistics.push({ node: nodeName(node, index), input: node.input[0], mean: node.input[3], variance: node.input[4], momentum });
      // Training mode normalizes with batch statistics and onnxruntime may update the running ones in place, so
      // the node gets private placeholders; the update PyTorch makes (unbiased variance) is computed separately.
      const channels = elementCount(tensorDims(initializers.get(node.input[3])!));
      const input = [node.input[0], node.input[1], node.input[2], emit.float(new Array(channels).fill(0), [channels]), emit.float(new Array(channels).fill(1), [channels])];
      // From opset 14 the training_mode attribute says it; before, the training form is the one with all five
      // outputs (the saved mean and inverse deviation as well), which exporters leave out in inference form.
      const output = [node.output[0], emit.fresh(`${node.output[0]}_running_mean`), emit.fresh(`${node.output[0]}_running_var`)];
      if (opset < 14) output.push(emit.fresh(`${node.output[0]}_saved_mean`), emit.fresh(`${node.output[0]}_saved_var`));
      const attribute = opset >= 14 ? [...node.attribute.filter((a) => a.name !== 'training_mode'), makeAttribute('training_mode', 1)] : node.attribute;
      return createMessage<OnnxNode>('NodeProto', { ...node, input, output, attribute });
    }
    if (node.op_type === 'Dropout' && opset >= 12) {
      if (!trainingFlag) {
        trainingFlag = emit.fresh('train_training_mode');
        extra.push(boolTensor(trainingFlag, true));
      }
      const ratio = node.input[1] || emit.float(0.5);
      return createMessage<OnnxNode>('NodeProto', {
        ...node,
        input: [node.input[0], ratio, trainingFlag],
        attribute: [...node.attribute.filter((a) => a.name !== 'seed'), makeAttribute('seed', (options.seed + index) | 0)],
      });
    }
    return node;
  });
  return { model: withGraph(model, { node: nodes, initializer: [...graph.initializer, ...emit.initializers, ...extra] }), statistics };
}

/**
 * Every tensor's shape for the sample batch, measured on its first one and two examples rather than on the whole
 * batch (probing exposes every activation, gigabytes for resnet18 at batch 32): an axis that doubles from one
 * example to two scales with the batch.
 */
async function probeBatchShapes(model: OnnxModel, sampleFeeds: Record<string, TensorValue>, sessionOptions: SessionOptions = {}): Promise<ShapeMap> {
  const batch = Math.max(...Object.values(sampleFeeds).map((feed) => feed.dims[0] ?? 1));
  const firstExamples = (count: number) => Object.fromEntries(Object.entries(sampleFeeds).map(([name, feed]) => {
    const perExample = feed.data.length / feed.dims[0];
    return [name, { data: feed.data.subarray(0, count * perExample), dims: [count, ...feed.dims.slice(1)] } as TensorValue];
  }));
  const options = { ...sessionOptions, provider: 'cpu' };
  if (batch <= 2) return probeShapes(model, sampleFeeds, options);
  const [one, two] = [await probeShapes(model, firstExamples(1), options), await probeShapes(model, firstExamples(2), options)];
  const shapes: ShapeMap = {};
  for (const [name, dims] of Object.entries(one)) {
    const doubled = two[name];
    shapes[name] = dims.map((dim, axis) => {
      if (!doubled || doubled[axis] === dim) return dim;
      return doubled[axis] === 2 * dim ? dim * batch : -1;
    });
  }
  return shapes;
}

function objectiveFor(loss: LossSpec, logits: string): Objective {
  switch (loss.kind) {
    case 'cross-entropy': return { kind: 'cross-entropy', output: logits, labelsInput: TARGETS_INPUT };
    case 'focal': return { kind: 'focal', output: logits, labelsInput: TARGETS_INPUT, gamma: loss.gamma };
    case 'binary-cross-entropy': return { kind: 'binary-cross-entropy', output: logits, labelsInput: TARGETS_INPUT };
    case 'distillation': return { kind: 'distillation', output: logits, labelsInput: TARGETS_INPUT, teacherInput: TEACHER_INPUT, temperature: loss.temperature, alpha: loss.alpha };
  }
}

export interface TrainingGraph {
  /** Inputs: the batch, the targets (and teacher logits), the trainable weights and the running statistics. */
  model: OnnxModel;
  lossName: string;
  logitsName: string;
  /** weight → output holding d loss / d weight */
  gradientNames: Record<string, string>;
  /** running statistic (mean or variance initializer) → output holding its updated value */
  statisticNames: Record<string, string>;
  statistics: RunningStatistics[];
  extraInputs: string[];
  /** Graph opset, for nodes appended later. */
  opset: number;
}

export interface TrainingGraphOptions {
  logitsName: string;
  trainable: string[];
  loss: LossSpec;
  freezeBatchNorm: boolean;
  seed: number;
  /** One batch (and its targets) to measure every tensor's shape. */
  sampleFeeds: Record<string, TensorValue>;
  sessionOptions?: SessionOptions;
}

/**
 * Forward in training mode, loss and backward in one graph: a run returns the loss, the logits, every trainable
 * weight's gradient and the BatchNormalization running statistics updated as PyTorch does (momentum, unbiased
 * batch variance). Weights and statistics are graph inputs, fed with every run.
 */
export async function buildTrainingGraph(model: OnnxModel, options: TrainingGraphOptions): Promise<TrainingGraph> {
  const forward = trainingForward(model, { freezeBatchNorm: options.freezeBatchNorm, seed: options.seed });
  const shapes = await probeBatchShapes(forward.model, options.sampleFeeds, options.sessionOptions);
  const gradient = buildGradientModel(forward.model, { objective: objectiveFor(options.loss, options.logitsName), wrt: options.trainable }, { shapes, initializersAsInputs: true });
  const graph = gradient.model.graph;
  const opset = defaultOpset(gradient.model);
  const taken = new Set([...graph.initializer.map((t) => t.name ?? ''), ...graph.node.flatMap((node) => [...node.input, ...node.output]), ...graph.input.map((i) => i.name), ...graph.output.map((o) => o.name)]);
  const emit = new Emitter(opset, DataType.FLOAT, taken);
  const statisticNames: Record<string, string> = {};
  const outputs: OnnxValueInfo[] = [];
  for (const statistic of forward.statistics) {
    const rank = shapes[statistic.input]?.length;
    if (!rank) throw new Error(`the shape of '${statistic.input}' (input of BatchNormalization '${statistic.node}') is not known`);
    const axes = [0, ...[...Array(rank - 2).keys()].map((axis) => axis + 2)];
    // Per-channel [C] first: an expression identical to the backward pass's x − mean would be merged with it by
    // onnxruntime's common subexpression elimination and kept alive from the forward pass to the backward one.
    const batchMean = emit.reduceMean(statistic.input, axes, false);
    const centered = emit.sub(statistic.input, emit.unsqueeze(batchMean, axes.slice(1).map((axis) => axis - 1)));
    const perChannel = emit.div(emit.sizeOf(statistic.input), emit.sizeOf(statistic.mean));
    const unbiasedVariance = emit.div(emit.reduceSum(emit.mul(centered, centered), axes, false), emit.sub(perChannel, emit.float(1)));
    const keep = emit.float(statistic.momentum);
    const blend = emit.float(1 - statistic.momentum);
    const update = (running: string, batch: string) => {
      const name = emit.fresh(`${running}_updated`);
      emit.nodes.push(createMessage<OnnxNode>('NodeProto', { name, op_type: 'Add', input: [emit.mul(running, keep), emit.mul(batch, blend)], output: [name], attribute: [] }));
      outputs.push(valueInfo(name, shapes[running] ?? [-1]));
      statisticNames[running] = name;
    };
    update(statistic.mean, batchMean);
    update(statistic.variance, unbiasedVariance);
  }
  const statisticTensors = new Set(Object.keys(statisticNames));
  const initializer = [...graph.initializer.filter((tensor) => !statisticTensors.has(tensor.name ?? '')), ...emit.initializers];
  const listed = new Set(graph.input.map((input) => input.name));
  const statisticInputs = graph.initializer.filter((tensor) => statisticTensors.has(tensor.name ?? '') && !listed.has(tensor.name ?? '')).map((tensor) => valueInfo(tensor.name!, tensorDims(tensor)));
  return {
    model: withGraph(gradient.model, {
      node: [...graph.node, ...emit.nodes],
      initializer,
      input: [...graph.input, ...statisticInputs],
      output: [...graph.output, ...outputs],
    }),
    lossName: gradient.objectiveName,
    logitsName: options.logitsName,
    gradientNames: gradient.gradientNames,
    statisticNames,
    statistics: forward.statistics,
    extraInputs: gradient.extraInputs,
    opset,
  };
}

/** A copy of the model whose listed initializers are graph inputs (fed with every run) instead of stored values. */
export function initializersAsInputs(model: OnnxModel, names: Iterable<string>): OnnxModel {
  const fed = new Set(names);
  const graph = model.graph;
  const listed = new Set(graph.input.map((input) => input.name));
  const added = graph.initializer.filter((tensor) => fed.has(tensor.name ?? '') && !listed.has(tensor.name ?? '')).map((tensor) => valueInfo(tensor.name!, tensorDims(tensor)));
  return withGraph({ ...model, ir_version: Math.max(toNumber(model.ir_version), 4) }, {
    initializer: graph.initializer.filter((tensor) => !fed.has(tensor.name ?? '')),
    input: [...graph.input, ...added],
  });
}
