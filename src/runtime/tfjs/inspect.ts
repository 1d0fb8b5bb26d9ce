import * as fs from 'node:fs';
import type { LayerInfo, ModelSummary, Shape, TensorInfo } from '../inspect/types';
import { LayerConfig, layerShapeRules } from './layer-shapes';
import { inspectGraphModel } from './graph-model';
import { ModelJson, manifestWeights, paramTotals, stringMetadata } from './manifest';
import { readShards } from './shards';

export type { ModelJson } from './manifest';

/** Thrown for a model.json that is not a TensorFlow.js model; names the file. */
export class TfjsFormatError extends Error {
  constructor(message: string, readonly file: string) {
    super(`${file}: ${message}`);
    this.name = 'TfjsFormatError';
  }
}

/** Reads model.json; the weight shards beside it are not needed to count. */
export function readModelJson(file: string): ModelJson {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new TfjsFormatError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, file);
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TfjsFormatError(`not valid JSON (${(error as Error).message})`, file);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new TfjsFormatError('not a TensorFlow.js model.json (no modelTopology)', file);
  return json;
}

/** Summarizes a tfjs model.json; its weight shards must exist and hold the bytes the manifest says (ShardError). */
export function inspectTfjs(file: string): ModelSummary {
  const json = readModelJson(file);
  const fileSize = fs.statSync(file).size;
  const topology = json.modelTopology!;
  const { weights } = readShards(json, file);
  if (topology.node || json.format === 'graph-model') return inspectGraphModel(json, file, fileSize, weights);
  return inspectLayersModel(json, file, fileSize);
}

interface KerasLayer { name: string; class_name: string; config: LayerConfig; inbound_nodes?: unknown[] }

/** Names of the layers feeding a layer, from Keras 2 ([[name, node, tensor, kwargs]…]) or Keras 3 (keras_history) form. */
function inboundLayers(layer: KerasLayer): string[] {
  const first = layer.inbound_nodes?.[0];
  if (!first) return [];
  if (Array.isArray(first)) return first.map((entry) => String((entry as unknown[])[0]));
  const names: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const history = (value as { config?: { keras_history?: unknown[] } }).config?.keras_history;
      if (history) names.push(String(history[0]));
      else Object.values(value).forEach(visit);
    }
  };
  visit(first);
  return names;
}

function elements(shape: Shape | null, skipBatch = true): number | null {
  if (!shape) return null;
  let product = 1;
  for (const dim of skipBatch ? shape.slice(1) : shape) {
    if (typeof dim !== 'number') return null;
    product *= dim;
  }
  return product;
}

const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * MACs of a Keras layer for one sample, from its weight shapes (HWIO kernels): Conv2D output elements × kH×kW×Cin,
 * DepthwiseConv2D output elements × kH×kW, SeparableConv2D both parts, Conv2DTranspose input elements × kH×kW×Cout,
 * Dense output elements × input units. Other layers count 0; a layer of these kinds with unknown shapes, null.
 */
function layerMacs(type: string, input: Shape | null, output: Shape | null, weights: Map<string, number[]>): number | null {
  const outputs = elements(output);
  const kernel = weights.get('kernel');
  switch (type) {
    case 'Conv2D':
    case 'Dense':
      return outputs !== null && kernel ? outputs * product(kernel.slice(0, -1)) : null;
    case 'DepthwiseConv2D': {
      const depthwise = weights.get('depthwise_kernel');
      return outputs !== null && depthwise ? outputs * product(depthwise.slice(0, 2)) : null;
    }
    case 'SeparableConv2D': {
      const depthwise = weights.get('depthwise_kernel');
      const pointwise = weights.get('pointwise_kernel');
      if (outputs === null || !output || !depthwise || !pointwise) return null;
      const positions = outputs / (output[output.length - 1] as number);
      return positions * product(depthwise) + outputs * pointwise[2];
    }
    case 'Conv2DTranspose': {
      const inputs = elements(input);
      return inputs !== null && kernel ? inputs * product(kernel.slice(0, 3)) : null;
    }
    default:
      return 0;
  }
}

function inspectLayersModel(json: ModelJson, file: string, fileSize: number): ModelSummary {
  const topology = json.modelTopology as { model_config?: { class_name: string; config: unknown }; class_name?: string; config?: unknown; keras_version?: string; generatedBy?: string };
  const modelConfig = topology.model_config ?? (topology as { class_name: string; config: unknown });
  const config = modelConfig.config as { layers?: KerasLayer[]; input_layers?: unknown[][]; output_layers?: unknown[][] } | KerasLayer[];
  const layers = (Array.isArray(config) ? config : config?.layers) as KerasLayer[] | undefined;
  if (!layers || layers.length === 0) throw new TfjsFormatError('the layers model has no layers', file);
  const sequential = modelConfig.class_name === 'Sequential';

  const weights = manifestWeights(json);
  const layerNames = [...layers.map((l) => l.name ?? l.config?.name as string)].sort((a, b) => b.length - a.length);
  const weightsByLayer = new Map<string, Map<string, number[]>>();
  const paramsByLayer = new Map<string, number>();
  for (const weight of weights) {
    const owner = layerNames.find((name) => weight.name.startsWith(`${name}/`));
    if (!owner) continue;
    const short = weight.name.slice(weight.name.lastIndexOf('/') + 1).replace(/_\d+$/, '');
    const entry = weightsByLayer.get(owner) ?? new Map();
    entry.set(short, weight.shape);
    weightsByLayer.set(owner, entry);
    paramsByLayer.set(owner, (paramsByLayer.get(owner) ?? 0) + product(weight.shape));
  }

  const shapes = new Map<string, Shape | null>();
  const ops: Record<string, number> = {};
  const inputs: TensorInfo[] = [];
  let previous: string | undefined;
  let macsKnown = 0;
  let macsComplete = true;
  const rows: LayerInfo[] = [];
  layers.forEach((layer, index) => {
    const name = layer.name ?? (layer.config?.name as string) ?? `${layer.class_name}_${index}`;
    const sources = sequential ? (previous ? [previous] : []) : inboundLayers(layer);
    const inputShapes = sources.map((source) => shapes.get(source) ?? null);
    const declaredInput = (layer.config.batch_input_shape ?? layer.config.batch_shape) as Shape | undefined;
    let output: Shape | null;
    if (layer.class_name === 'InputLayer') {
      output = declaredInput ?? null;
      inputs.push({ name, dtype: String(layer.config.dtype ?? 'float32'), shape: output });
    } else {
      const rule = layerShapeRules[layer.class_name];
      const input = declaredInput && inputShapes.length === 0 ? [declaredInput] : inputShapes;
      if (declaredInput && inputShapes.length === 0) inputs.push({ name: `${name}_input`, dtype: String(layer.config.dtype ?? 'float32'), shape: declaredInput });
      output = rule ? rule(input, layer.config) : null;
      inputShapes.splice(0, inputShapes.length, ...input);
    }
    shapes.set(name, output);
    ops[layer.class_name] = (ops[layer.class_name] ?? 0) + 1;
    const layerMacCount = layerMacs(layer.class_name, inputShapes[0] ?? null, output, weightsByLayer.get(name) ?? new Map());
    if (layerMacCount === null) macsComplete = false;
    else macsKnown += layerMacCount;
    rows.push({
      name, type: layer.class_name, inputs: sources, outputs: [name], outputShape: output, outputShapes: [output],
      params: paramsByLayer.get(name) ?? 0, macs: layerMacCount,
      attributes: Object.fromEntries(Object.entries(layer.config).filter(([key, value]) => key !== 'name' && (typeof value !== 'object' || Array.isArray(value) || value === null))),
    });
    previous = name;
  });

  const outputNames = Array.isArray(config) ? [previous!] : (config.output_layers ?? []).map((entry) => String(entry[0]));
  const outputs: TensorInfo[] = (outputNames.length > 0 ? outputNames : [previous!]).map((name) => ({ name, dtype: 'float32', shape: shapes.get(name) ?? null }));
  return {
    format: 'tfjs-layers', file, fileSize,
    producer: topology.keras_version ? `Keras ${topology.keras_version}` : (json.generatedBy as string | undefined) ?? null,
    opset: null, irVersion: null, inputs, outputs, ...paramTotals(weights), macs: macsComplete ? macsKnown : null, macsKnown, ops, layers: rows, metadata: stringMetadata(json),
  };
}
