import * as fs from 'node:fs';
import { defaultOpset, isDefaultDomain, OnnxAttribute, OnnxFormatError, OnnxModel, OnnxNode, OnnxTensor, readModelFile, toNumber } from '../onnx/codec';
import { bytesPerElement, dtypeName, elementCount, tensorDims } from '../onnx/dtypes';
import { ConsumerEntry, GraphStructureError, consumerMap, nodeName, realInputs, topologicalOrder } from '../onnx/graph';
import { InferenceOptions, TensorFacts, declaredFacts, inferShapes } from '../onnx/shapes';
import { macRules } from './macs';
import type { LayerInfo, ModelSummary, Shape, TensorInfo } from './types';
import { isArgumentSlot, isWeightCarrier, isWeightType } from './weights';
import { onnxMetadata } from '../images/model-input';

const textDecoder = new TextDecoder();

/** Attribute values as JSON; tensors and subgraphs are summarized, not dumped. */
export function attributeValue(attribute: OnnxAttribute): unknown {
  if (attribute.t) return { tensor: dtypeName(attribute.t.data_type), dims: tensorDims(attribute.t) };
  if (attribute.g) return { graph: attribute.g.name ?? '', nodes: attribute.g.node?.length ?? 0 };
  if (attribute.ints && attribute.ints.length > 0) return attribute.ints.map(toNumber);
  if (attribute.floats && attribute.floats.length > 0) return [...attribute.floats];
  if (attribute.strings && attribute.strings.length > 0) return attribute.strings.map((s) => textDecoder.decode(s));
  if (attribute.s && attribute.s.length > 0) return textDecoder.decode(attribute.s);
  switch (attribute.type) {
    case 1: return attribute.f ?? 0;
    case 2: return toNumber(attribute.i);
    case 3: return '';
    case 6: case 7: case 8: return [];
  }
  if (attribute.f) return attribute.f;
  return toNumber(attribute.i);
}

/**
 * A declared shape, with the dims it leaves open filled in from inference. An inferred number also replaces a
 * declared symbol: exporters name output dims they could not compute ('Resizeoutput_dim_2') that follow from
 * fixed input dims.
 */
function mergeShapes(declared: Shape | null, inferred: Shape | null | undefined): Shape | null {
  if (!declared) return inferred ?? null;
  if (!inferred || inferred.length !== declared.length) return declared;
  return declared.map((dim, i) => (typeof inferred[i] === 'number' && typeof dim !== 'number' ? inferred[i] : dim ?? inferred[i]));
}

function tensorInfo(name: string, declared: TensorFacts, inferred: TensorFacts | undefined): TensorInfo {
  const dtype = declared.dtype ?? inferred?.dtype ?? null;
  return { name, dtype: dtype === null ? 'unknown' : dtypeName(dtype), shape: mergeShapes(declared.shape, inferred?.shape) };
}

interface WeightTensor { tensor: OnnxTensor; elements: number }

/** Summarizes an ONNX model file. Throws OnnxFormatError (naming the file) when it is not a usable model. */
export function inspectOnnx(file: string, options: InferenceOptions = {}): ModelSummary {
  const model = readModelFile(file);
  try {
    return summarize(model, file, fs.statSync(file).size, options);
  } catch (error) {
    if (error instanceof GraphStructureError) throw new OnnxFormatError(error.message, file);
    throw error;
  }
}

/** The summary of a decoded model; `options.dims` binds symbolic input dims (shapes and MACs then use them). */
export function summarize(model: OnnxModel, file: string, fileSize: number, options: InferenceOptions = {}): ModelSummary {
  const graph = model.graph;
  const order = topologicalOrder(graph);
  const facts = inferShapes(model, options);
  const consumers = consumerMap(graph);
  const indexOf = new Map(graph.node.map((node, index) => [node, index]));

  const constants = new Map<string, OnnxTensor>();
  for (const tensor of graph.initializer ?? []) constants.set(tensor.name ?? '', tensor);
  for (const node of graph.node) {
    const value = node.op_type === 'Constant' && isDefaultDomain(node.domain) ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (value && node.output[0]) constants.set(node.output[0], value);
  }

  // Exporters deduplicate equal initializers (zero biases, unit BatchNorm scales) into Identity nodes that read one
  // stored copy. Each alias is a parameter of its own in the source framework, so it counts as a weight here too.
  const aliases = new Set<OnnxNode>();
  for (const node of order) {
    if (node.op_type === 'Identity' && constants.has(node.input[0]) && node.output[0]) {
      constants.set(node.output[0], constants.get(node.input[0])!);
      aliases.add(node);
    }
  }

  const rank = new Map(order.map((node, position) => [node, position]));
  const dataReadersOf = (name: string) => (consumers.get(name) ?? []).filter((c) => !aliases.has(c.node) && !isArgumentSlot(c.node.op_type, c.inputIndex));
  const firstInOrder = (readers: ConsumerEntry[]) => readers.reduce((first, c) => (rank.get(c.node)! < rank.get(first.node)! ? c : first));

  /**
   * The layer that computes with a weight first read by `reader`: that reader, or, where it only reshapes,
   * transposes, casts or dequantizes the weight, the first layer reading the result (following chains of those).
   */
  const computeLayerOf = (weight: string, reader: ConsumerEntry): ConsumerEntry => {
    let current = reader;
    let carried = weight;
    while (isWeightCarrier(current.node)) {
      // A carrier of an activation (DequantizeLinear of an input, with this weight as its scale) is a layer itself.
      const source = current.node.input[0];
      if (source !== carried && !constants.has(source)) break;
      const next = dataReadersOf(current.node.output[0] ?? '');
      if (next.length === 0) break;
      carried = current.node.output[0];
      current = firstInOrder(next);
    }
    return current;
  };

  // Each weight belongs to the layer that computes with it first (in execution order).
  const weightOwner = new Map<string, number>();
  const weights = new Map<string, WeightTensor>();
  for (const [name, tensor] of constants) {
    const dims = tensorDims(tensor);
    if (dims.length === 0) continue;
    const dataReaders = dataReadersOf(name);
    if (dataReaders.length === 0 || !isWeightType(tensor.data_type, dataReaders.map((c) => ({ opType: c.node.op_type })))) continue;
    weightOwner.set(name, computeLayerOf(name, firstInOrder(dataReaders)).index);
    weights.set(name, { tensor, elements: elementCount(dims) });
  }

  const paramsByLayer = new Map<number, number>();
  const paramBytesByDtype: ModelSummary['paramBytesByDtype'] = {};
  let params = 0;
  for (const [name, { tensor, elements }] of weights) {
    params += elements;
    const owner = weightOwner.get(name)!;
    paramsByLayer.set(owner, (paramsByLayer.get(owner) ?? 0) + elements);
    const dtype = dtypeName(tensor.data_type);
    const entry = (paramBytesByDtype[dtype] ??= { count: 0, bytes: 0 });
    entry.count += elements;
    entry.bytes += elements * bytesPerElement(tensor.data_type);
  }

  const ops: Record<string, number> = {};
  let macsKnown = 0;
  let macsComplete = true;
  const layers: LayerInfo[] = order.map((node) => {
    const index = indexOf.get(node)!;
    ops[node.op_type] = (ops[node.op_type] ?? 0) + 1;
    const outputShapes = node.output.map((name) => facts.get(name)?.shape ?? null);
    const rule = !node.domain || node.domain === 'ai.onnx' ? macRules[node.op_type] : undefined;
    const layerMacs = rule
      ? rule({
        inputs: node.input.map((name) => facts.get(name)?.shape),
        outputs: outputShapes,
        attribute: (name, fallback) => { const a = node.attribute.find((x) => x.name === name); return a ? toNumber(a.i) : fallback; },
      })
      : 0;
    if (layerMacs === null) macsComplete = false;
    else macsKnown += layerMacs;
    return {
      name: nodeName(node, index),
      type: node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type}` : node.op_type,
      inputs: [...node.input],
      outputs: [...node.output],
      outputShape: outputShapes[0] ?? null,
      outputShapes,
      params: paramsByLayer.get(index) ?? 0,
      macs: layerMacs,
      attributes: Object.fromEntries(node.attribute.map((a) => [a.name, attributeValue(a)])),
    };
  });

  return {
    format: 'onnx',
    file,
    fileSize,
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' ') || null,
    opset: defaultOpset(model),
    irVersion: model.ir_version === undefined ? null : toNumber(model.ir_version),
    inputs: realInputs(graph).map((input) => tensorInfo(input.name, declaredFacts(input), facts.get(input.name))),
    outputs: graph.output.map((output) => tensorInfo(output.name, declaredFacts(output), facts.get(output.name))),
    params,
    paramBytesByDtype,
    macs: macsComplete ? macsKnown : null,
    macsKnown,
    ops,
    layers,
    metadata: onnxMetadata(model),
  };
}
