import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/codec';
import { DataType, tensorValues } from '../onnx/dtypes';
import { consumerMap, initializerMap, producerMap, topologicalOrder } from '../onnx/graph';
import { inferShapes } from '../onnx/shapes';
import { dropUnusedInitializers, editableCopy, floatAttribute, intAttribute, makeNode, Names, tensorDims, typedTensor } from './graph-edit';
import { integerRange, quantizeBias, quantizeValue, quantizeWeight, quantParams, type QuantParams } from './quant-params';
import { quantizedRoles, weightAxis, type QuantizedRole } from './registry';
import type { ActivationType } from './types';

export interface StaticSettings {
  perChannel: boolean;
  activations: ActivationType;
  /** Symmetric activations (weights are always symmetric). */
  symmetric: boolean;
  reduceRange: boolean;
  /** Node names or op types that stay float. */
  exclude: string[];
  /** When given, only these nodes are quantized (sensitivity analysis quantizes one at a time). */
  only?: string[];
}

export interface KeptFloat { name: string; opType: string; reason: string }

interface PlannedNode { node: OnnxNode; role: QuantizedRole; name: string }

/** What static quantization will do to a prepared model, before any calibration. */
export interface QdqPlan {
  nodes: PlannedNode[];
  /** Float activation tensors that get a QuantizeLinear/DequantizeLinear pair, each with its own scale. */
  activations: string[];
  /** Outputs that take the scale of another tensor (same-as-input operators), output → source. */
  sharedScale: Map<string, string>;
  /** Relu/Clip nodes folded into the quantized output of their producer. */
  folded: { activation: OnnxNode; producer: OnnxNode }[];
  /** Constant inputs of Add/Mul/Concat, quantized from their own values. */
  constantActivations: string[];
  keptFloat: KeptFloat[];
}

/** The name a quantization run uses for a node: its own, else its first output's. */
export const quantizeNodeName = (node: OnnxNode) => node.name || node.output[0];

export function planQdq(model: OnnxModel, settings: StaticSettings): QdqPlan {
  const graph = model.graph;
  const facts = inferShapes(model);
  const constants = initializerMap(graph);
  const consumers = consumerMap(graph);
  const producers = producerMap(graph);
  const graphOutputs = new Set(graph.output.map((output) => output.name));
  const isFloat = (name: string) => !!name && facts.get(name)?.dtype === DataType.FLOAT;
  const isActivation = (name: string) => isFloat(name) && !constants.has(name);
  const exclude = new Set(settings.exclude);
  const only = settings.only ? new Set(settings.only) : undefined;

  const plan: QdqPlan = { nodes: [], activations: [], sharedScale: new Map(), folded: [], constantActivations: [], keptFloat: [] };
  const quantized = new Set<string>();
  const roleOfProducer = new Map<string, QuantizedRole>();
  const keep = (node: OnnxNode, reason: string) => plan.keptFloat.push({ name: quantizeNodeName(node), opType: node.op_type, reason });
  const quantize = (name: string) => { if (!quantized.has(name)) { quantized.add(name); plan.activations.push(name); } };

  for (const node of topologicalOrder(graph)) {
    const name = quantizeNodeName(node);
    const role = !node.domain || node.domain === 'ai.onnx' ? quantizedRoles[node.op_type] : undefined;
    const floatOutputs = node.output.filter(isFloat);
    if (!role) {
      if (floatOutputs.length > 0) keep(node, `onnxruntime has no int8 kernel for ${node.op_type}`);
      continue;
    }
    if (exclude.has(name) || exclude.has(node.op_type)) {
      keep(node, exclude.has(name) ? 'excluded by name' : `excluded by op type ${node.op_type}`);
      continue;
    }
    if (only && !only.has(name) && role !== 'activation' && role !== 'same-as-input') continue;
    const output = node.output[0];
    if (!isFloat(output)) {
      keep(node, 'its output is not float32');
      continue;
    }
    if (role === 'weighted') {
      const [x, w] = node.input;
      const weightIsConstant = constants.has(w) && constants.get(w)!.data_type === DataType.FLOAT;
      if (!isActivation(x) || (!weightIsConstant && (node.op_type === 'Conv' || node.op_type === 'ConvTranspose' || !isActivation(w)))) {
        keep(node, weightIsConstant ? 'its input is not a float32 activation' : 'its weight is computed at run time');
        continue;
      }
      quantize(x);
      if (!weightIsConstant) quantize(w);
      quantize(output);
    } else if (role === 'own-output') {
      const inputs = node.input.filter((input) => input);
      if (!inputs.every(isFloat)) { keep(node, 'an input is not float32'); continue; }
      for (const input of inputs) {
        if (constants.has(input)) { if (!plan.constantActivations.includes(input)) plan.constantActivations.push(input); } else quantize(input);
      }
      quantize(output);
    } else if (role === 'same-as-input') {
      if (!quantized.has(node.input[0]) || node.output.length > 1 && node.output.slice(1).some((extra) => extra)) {
        if (!only) keep(node, 'its input is not quantized, so it runs in float');
        continue;
      }
      if (!quantized.has(output)) {
        plan.sharedScale.set(output, node.input[0]);
        quantize(output);
      }
    } else {
      const input = node.input[0];
      const producer = producers.get(input)?.node;
      const producerRole = producer ? roleOfProducer.get(quantizeNodeName(producer)) : undefined;
      const foldable = !settings.symmetric && producer && (producerRole === 'weighted' || producerRole === 'own-output')
        && (consumers.get(input) ?? []).length === 1 && !graphOutputs.has(input);
      if (!foldable) {
        if (!only) keep(node, settings.symmetric ? 'not folded: symmetric activations cannot clip at zero' : 'not folded: its input is not the only use of a quantized output');
        continue;
      }
      // The producer's quantized output now carries the activation's range (clipping at zero or the Clip bounds).
      quantized.delete(input);
      plan.activations.splice(plan.activations.indexOf(input), 1);
      quantize(output);
      plan.folded.push({ activation: node, producer: producer! });
      continue;
    }
    roleOfProducer.set(name, role);
    plan.nodes.push({ node, role, name });
  }
  return plan;
}

/**
 * Tensors whose ranges calibration measures for this plan: shared-scale outputs too, since a plan with fewer
 * quantized nodes (exclusions, sensitivity) may quantize one of them on its own.
 */
export function calibratedTensors(plan: QdqPlan): string[] {
  return plan.activations;
}

export interface TensorRange { min: number; max: number }

const ZERO_POINT_TYPE: Record<ActivationType, number> = { uint8: DataType.UINT8, int8: DataType.INT8 };

/** Applies a plan with calibrated ranges: QuantizeLinear/DequantizeLinear pairs, int8 weights, int32 biases. */
export function applyQdq(prepared: OnnxModel, plan: QdqPlan, ranges: Map<string, TensorRange>, settings: StaticSettings): OnnxModel {
  const model = editableCopy(prepared);
  const graph = model.graph;
  const names = new Names(graph);
  const constants = initializerMap(graph);
  const added: OnnxNode[] = [];
  const activationRange = integerRange(settings.activations, settings.symmetric);
  const zeroPointType = ZERO_POINT_TYPE[settings.activations];
  const zeroPointArray = (values: number[]) => (settings.activations === 'uint8' ? Uint8Array.from(values) : Int8Array.from(values));
  const nodeByOutput = new Map<string, OnnxNode>();

  // The copy's nodes, found by the prepared model's nodes' positions.
  const copyOf = new Map(prepared.graph.node.map((node, index) => [node, graph.node[index]]));
  for (const { activation, producer } of plan.folded) {
    copyOf.get(producer)!.output[0] = activation.output[0];
  }
  const foldedNodes = new Set(plan.folded.map(({ activation }) => copyOf.get(activation)));
  graph.node = graph.node.filter((node) => !foldedNodes.has(node));
  for (const node of graph.node) for (const output of node.output) nodeByOutput.set(output, node);

  const params = new Map<string, QuantParams>();
  const paramsOf = (name: string): QuantParams => {
    const cached = params.get(name);
    if (cached) return cached;
    const source = plan.sharedScale.get(name);
    let result: QuantParams;
    if (source) result = paramsOf(source);
    else {
      const range = ranges.get(name);
      if (!range) throw new Error(`no calibrated range for tensor ${name}`);
      result = quantParams(range.min, range.max, activationRange, settings.symmetric);
    }
    params.set(name, result);
    return result;
  };

  const scaleInitializers = (base: string, scale: Float32Array, zeroPoint: OnnxTensor['data_type'], zeroPoints: Int8Array | Uint8Array | Int32Array, vector: boolean) => {
    const scaleName = names.fresh(`${base}_scale`);
    const zeroName = names.fresh(`${base}_zero_point`);
    const dims = vector ? [scale.length] : [];
    graph.initializer.push(typedTensor(scaleName, DataType.FLOAT, dims, scale), typedTensor(zeroName, zeroPoint, dims, zeroPoints));
    return [scaleName, zeroName];
  };

  // Activations: the producer writes `<name>_float`; QuantizeLinear → DequantizeLinear gives back `<name>`.
  const graphInputs = new Set(graph.input.map((input) => input.name));
  for (const tensor of plan.activations) {
    const p = paramsOf(tensor);
    const [scaleName, zeroName] = scaleInitializers(tensor, Float32Array.of(p.scale), zeroPointType, zeroPointArray([p.zeroPoint]), false);
    const quantizedName = names.fresh(`${tensor}_quantized`);
    let source = tensor;
    let dequantized = tensor;
    if (graphInputs.has(tensor)) {
      dequantized = names.fresh(`${tensor}_dequantized`);
      for (const node of graph.node) node.input = node.input.map((input) => (input === tensor ? dequantized : input));
    } else {
      source = names.fresh(`${tensor}_float`);
      const producer = nodeByOutput.get(tensor)!;
      producer.output = producer.output.map((output) => (output === tensor ? source : output));
    }
    added.push(
      // Inserted nodes go unnamed (errors name them by output): names would cost bytes in every file.
      makeNode('QuantizeLinear', [source, scaleName, zeroName], [quantizedName], ''),
      makeNode('DequantizeLinear', [quantizedName, scaleName, zeroName], [dequantized], ''),
    );
  }

  // A constant stored in integers, read through a DequantizeLinear under a fresh name.
  const dequantizedConstant = (base: string, dataType: number, dims: number[], values: Int8Array | Uint8Array | Int32Array, scales: Float32Array, zeroPoints: Int8Array | Uint8Array | Int32Array, axis: number | undefined) => {
    const stored = names.fresh(`${base}_quantized`);
    graph.initializer.push(typedTensor(stored, dataType, dims, values));
    const [scaleName, zeroName] = scaleInitializers(base, scales, zeroPoints instanceof Int32Array ? DataType.INT32 : zeroPoints instanceof Uint8Array ? DataType.UINT8 : DataType.INT8, zeroPoints, axis !== undefined);
    const output = names.fresh(`${base}_dequantized`);
    added.push(makeNode('DequantizeLinear', [stored, scaleName, zeroName], [output], '', axis !== undefined ? { axis } : {}));
    return output;
  };

  for (const name of plan.constantActivations) {
    const tensor = constants.get(name)!;
    const values = tensorValues(tensor) as Float32Array;
    let min = 0;
    let max = 0;
    for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
    const p = quantParams(min, max, activationRange, settings.symmetric);
    const quantizedValues = zeroPointArray(Array.from(values, (v) => quantizeValue(v, p, activationRange)));
    const output = dequantizedConstant(name, zeroPointType, tensorDims(tensor), quantizedValues, Float32Array.of(p.scale), zeroPointArray([p.zeroPoint]), undefined);
    for (const { node } of plan.nodes) {
      const copy = copyOf.get(node)!;
      copy.input = copy.input.map((input) => (input === name ? output : input));
    }
  }

  for (const { node: original, role } of plan.nodes) {
    if (role !== 'weighted') continue;
    const node = copyOf.get(original)!;
    const weight = constants.get(node.input[1]);
    if (!weight) continue;
    const dims = tensorDims(weight);
    const transB = intAttribute(node, 'transB', 0) === 1;
    const axis = settings.perChannel ? weightAxis(node.op_type, transB, dims.length) : undefined;
    const q = quantizeWeight(tensorValues(weight) as Float32Array, dims, axis, settings.reduceRange);
    node.input[1] = dequantizedConstant(node.input[1], DataType.INT8, dims, q.values, q.scales, q.zeroPoints, axis);
    const bias = node.input[2] ? constants.get(node.input[2]) : undefined;
    const plainGemm = node.op_type !== 'Gemm' || (floatAttribute(node, 'alpha', 1) === 1 && floatAttribute(node, 'beta', 1) === 1 && tensorDims(bias ?? weight).length === 1);
    if (bias && plainGemm && bias.data_type === DataType.FLOAT) {
      const b = quantizeBias(tensorValues(bias) as Float32Array, paramsOf(original.input[0]).scale, q.scales);
      const perChannelBias = axis !== undefined;
      node.input[2] = dequantizedConstant(node.input[2], DataType.INT32, tensorDims(bias), b.values, perChannelBias ? b.scales : b.scales.subarray(0, 1), new Int32Array(perChannelBias ? b.scales.length : 1), perChannelBias ? 0 : undefined);
    }
  }

  graph.node = [...graph.node, ...added];
  graph.node = topologicalOrder(graph);
  return dropUnusedInitializers(model);
}
