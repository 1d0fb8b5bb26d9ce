import type { LayerInfo, ModelSummary, Shape, TensorInfo } from '../inspect/types';
import { GraphNode, TensorFact, attrInts, attrShape, attrText, inferNode, nodeMacs } from './graph-shapes';
import { ModelJson, manifestWeights, paramTotals, stringMetadata } from './manifest';
import { StoredWeight, int32Values } from './shards';

/** Tensor reference "node:1" or "^control" → [the producing node's name, output index]. */
export function tensorRef(input: string): [string, number] {
  const [name, index] = input.replace(/^\^/, '').split(':');
  return [name, index === undefined ? 0 : Number(index)];
}
export const tensorKey = (name: string, index: number) => (index === 0 ? name : `${name}:${index}`);

interface SignatureEntry { name?: string; dtype?: string; tensorShape?: { dim?: { size: string }[] } }
export interface GraphSignature { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> }

/** The signature as tfjs-converter reads it: the one in userDefinedMetadata first, then the top-level one. */
export function graphSignature(json: ModelJson): GraphSignature | undefined {
  return ((json.userDefinedMetadata as { signature?: GraphSignature } | undefined)?.signature ?? json.signature) as GraphSignature | undefined;
}

/** Nodes in an order where each comes after its data inputs; nodes on cycles (loop back edges) come last. */
export function executionOrder(nodes: GraphNode[]): GraphNode[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const pending = new Map(nodes.map((node) => [node.name, new Set((node.input ?? []).map((i) => tensorRef(i)[0]).filter((n) => byName.has(n)))]));
  const readers = new Map<string, string[]>();
  for (const [name, sources] of pending) for (const source of sources) readers.set(source, [...(readers.get(source) ?? []), name]);
  const order: GraphNode[] = [];
  const ready = nodes.filter((node) => pending.get(node.name)!.size === 0).map((node) => node.name);
  const done = new Set<string>();
  while (ready.length > 0) {
    const name = ready.shift()!;
    if (done.has(name)) continue;
    done.add(name);
    order.push(byName.get(name)!);
    for (const reader of readers.get(name) ?? []) {
      const sources = pending.get(reader)!;
      sources.delete(name);
      if (sources.size === 0) ready.push(reader);
    }
  }
  return [...order, ...nodes.filter((node) => !done.has(node.name))];
}

/** Ops that only move a weight (reshape, cast, view): its parameters belong to the layer reading the result. */
const weightCarriers = new Set(['Identity', 'Cast', 'Reshape', 'Transpose', 'ExpandDims', 'Squeeze', 'Dequantize']);

/** Symbolic dims (the open batch axis) are shown as tfjs shows them: unknown. */
const shown = (shape: Shape | null | undefined): Shape | null => shape?.map((dim) => (typeof dim === 'string' ? null : dim)) ?? null;

const dataInputs = (node: GraphNode) => (node.input ?? []).filter((i) => !i.startsWith('^')).map(tensorRef);

function nodeFacts(node: GraphNode, inputs: TensorFact[], weightShapes: Map<string, number[]>, stored: Map<string, StoredWeight>): TensorFact[] {
  if (node.op !== 'Const') return inferNode(node, inputs);
  const shape = weightShapes.get(node.name) ?? attrShape(node.attr?.value as never);
  return [{ shape: shape ?? null, values: int32Values(stored.get(node.name)) }];
}

/**
 * Every tensor's facts ("node" or "node:i" → shape and small integer values), in execution order, with the given
 * Placeholder shapes in place of the declared ones (open dims bound at the size an input is fed at).
 */
export function graphTensorFacts(json: ModelJson, stored: Map<string, StoredWeight>, inputShapes: Record<string, number[]> = {}): Map<string, TensorFact> {
  const nodes = (json.modelTopology as { node?: GraphNode[] }).node ?? [];
  const weightShapes = new Map(manifestWeights(json).map((w) => [w.name, w.shape]));
  const facts = new Map<string, TensorFact>();
  for (const node of executionOrder(nodes)) {
    const bound = node.op === 'Placeholder' ? inputShapes[node.name] : undefined;
    const outputs = bound ? [{ shape: bound }] : nodeFacts(node, dataInputs(node).map(([name, index]) => facts.get(tensorKey(name, index)) ?? { shape: null }), weightShapes, stored);
    outputs.forEach((fact, index) => facts.set(tensorKey(node.name, index), fact));
  }
  return facts;
}

/**
 * A tfjs graph model (a TensorFlow GraphDef in JSON). Shapes come from the Placeholder shapes through every op
 * graph-shapes knows, with the values of shape and axis constants (from the shards) carried along; the signature's
 * output shapes fill what inference leaves open. Weights are credited to the layer that computes with them; MACs
 * are per sample, null when a layer that does multiply-accumulates has shapes not known (macsKnown: the known part).
 */
export function inspectGraphModel(json: ModelJson, file: string, fileSize: number, stored: Map<string, StoredWeight>): ModelSummary {
  const nodes = ((json.modelTopology as { node?: GraphNode[] }).node ?? []);
  const weights = manifestWeights(json);
  const weightShapes = new Map(weights.map((w) => [w.name, w.shape]));
  const facts = new Map<string, TensorFact>();
  const ops: Record<string, number> = {};
  const inputs: TensorInfo[] = [];
  const consumed = new Set<string>();
  const order = executionOrder(nodes);

  const readersOf = new Map<string, GraphNode[]>();
  for (const node of order) {
    for (const input of node.input ?? []) {
      if (input.startsWith('^')) continue;
      const [source] = tensorRef(input);
      consumed.add(source);
      readersOf.set(source, [...(readersOf.get(source) ?? []), node]);
    }
  }
  // Each float weight belongs to the first layer computing with it, past the ops that only carry it.
  const paramsByNode = new Map<string, number>();
  for (const weight of weights) {
    if (weight.dtype !== 'float32' && weight.dtype !== 'float16') continue;
    let owner = weight.name;
    for (let reader = readersOf.get(owner)?.[0]; reader; reader = readersOf.get(owner)?.[0]) {
      owner = reader.name;
      if (!weightCarriers.has(reader.op)) break;
    }
    paramsByNode.set(owner, (paramsByNode.get(owner) ?? 0) + weight.shape.reduce((p, d) => p * d, 1));
  }

  let macs = 0;
  let macsKnown = 0;
  let macsComplete = true;
  const layers: LayerInfo[] = [];
  for (const node of order) {
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    const sourceRefs = dataInputs(node);
    const inputFacts = sourceRefs.map(([name, index]) => facts.get(tensorKey(name, index)) ?? { shape: null });
    const outputs = nodeFacts(node, inputFacts, weightShapes, stored);
    outputs.forEach((fact, index) => facts.set(tensorKey(node.name, index), fact));
    if (node.op === 'Const') continue;
    if (node.op === 'Placeholder') {
      inputs.push({ name: node.name, dtype: (node.attr?.dtype?.type ?? 'DT_FLOAT').replace(/^DT_/, '').toLowerCase(), shape: shown(outputs[0].shape) });
    }
    const layerMacs = nodeMacs(node, inputFacts.map((f) => f.shape), outputs[0]?.shape ?? null);
    if (layerMacs === null) macsComplete = false;
    else macsKnown += layerMacs;
    layers.push({
      name: node.name, type: node.op, inputs: sourceRefs.map(([name]) => name), outputs: [node.name],
      outputShape: shown(outputs[0]?.shape), outputShapes: outputs.map((o) => shown(o.shape)),
      params: paramsByNode.get(node.name) ?? 0, macs: layerMacs,
      attributes: Object.fromEntries(Object.entries(node.attr ?? {}).map(([key, attr]) => [key, attrText(attr) ?? attrInts(attr) ?? attr.f ?? attr.i ?? attr.type ?? attrShape(attr)])),
    });
  }
  macs = macsKnown;

  const signature = graphSignature(json)?.outputs;
  const outputs: TensorInfo[] = signature
    ? Object.entries(signature).map(([key, output]) => {
      const [name, index] = tensorRef(output.name ?? key);
      const declared = attrShape({ shape: output.tensorShape });
      const inferred = shown(facts.get(tensorKey(name, index))?.shape);
      return { name, dtype: (output.dtype ?? 'DT_FLOAT').replace(/^DT_/, '').toLowerCase(), shape: declared ?? inferred };
    })
    : order.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => ({ name: n.name, dtype: 'float32', shape: shown(facts.get(n.name)?.shape) }));
  return {
    format: 'tfjs-graph', file, fileSize,
    producer: [json.generatedBy, json.convertedBy].filter(Boolean).join(', ') || null,
    opset: null, irVersion: null, inputs, outputs, ...paramTotals(weights),
    macs: macsComplete ? macs : null, macsKnown, ops, layers, metadata: stringMetadata(json),
  };
}
