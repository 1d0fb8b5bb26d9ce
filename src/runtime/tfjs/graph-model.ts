import type { LayerInfo, ModelSummary, Shape, TensorInfo } from '../inspect/types';
import { ModelJson, manifestWeights, paramTotals, stringMetadata } from './manifest';

/** A GraphDef node as tfjs graph-model JSON stores it. */
interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, GraphAttr> }
interface GraphAttr { b?: boolean; s?: string; i?: string; f?: number; type?: string; list?: { i?: string[]; s?: string[] }; shape?: { dim?: { size: string }[]; unknownRank?: boolean } }

const text = (attr: GraphAttr | undefined) => (attr?.s ? Buffer.from(attr.s, 'base64').toString('utf8') : undefined);
const intList = (attr: GraphAttr | undefined) => attr?.list?.i?.map(Number);

function attrShape(attr: GraphAttr | undefined): Shape | null {
  if (!attr?.shape || attr.shape.unknownRank) return null;
  return (attr.shape.dim ?? []).map((dim) => (Number(dim.size) >= 0 ? Number(dim.size) : null));
}

/** Tensor reference "node:1" or "^control" → the producing node's name. */
const sourceName = (input: string) => input.replace(/^\^/, '').split(':')[0];

function windowDim(input: number | string | null, kernel: number, stride: number, dilation: number, padding: string): number | null {
  if (typeof input !== 'number') return null;
  if (padding === 'SAME') return Math.ceil(input / stride);
  return Math.floor((input - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** Output shape of a windowed NHWC/NCHW op (convolutions, pools). */
function windowed(node: GraphNode, input: Shape | null, kernel: [number, number], channels: number | string | null): Shape | null {
  if (!input || input.length !== 4) return null;
  const nchw = text(node.attr?.data_format) === 'NCHW';
  const [h, w, c] = nchw ? [2, 3, 1] : [1, 2, 3];
  const strides = intList(node.attr?.strides) ?? [1, 1, 1, 1];
  const dilations = intList(node.attr?.dilations) ?? [1, 1, 1, 1];
  const padding = text(node.attr?.padding) ?? 'VALID';
  const output: Shape = [...input];
  output[h] = windowDim(input[h], kernel[0], strides[h], dilations[h], padding);
  output[w] = windowDim(input[w], kernel[1], strides[w], dilations[w], padding);
  output[c] = channels;
  return output;
}

const elementwise = new Set(['BiasAdd', 'Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'Softmax', 'Identity', 'FusedBatchNorm', 'FusedBatchNormV3', 'LeakyRelu', 'Add', 'AddV2', 'Mul', 'Sub', 'Maximum', 'Minimum']);

/**
 * A tfjs graph model (a TensorFlow GraphDef in JSON): every node is a layer; weights are the Const nodes named in
 * the weights manifest. Shapes come from Placeholder shapes through convolutions, pools, MatMul and elementwise ops
 * (null elsewhere). MACs: Conv2D and fused convs output elements × kH×kW×Cin, depthwise output elements × kH×kW,
 * MatMul M×N×K.
 */
export function inspectGraphModel(json: ModelJson, file: string, fileSize: number): ModelSummary {
  const nodes = ((json.modelTopology as { node?: GraphNode[] }).node ?? []);
  const weights = manifestWeights(json);
  const weightShapes = new Map(weights.map((w) => [w.name, w.shape]));
  const shapes = new Map<string, Shape | null>();
  for (const [name, shape] of weightShapes) shapes.set(name, shape);
  const ops: Record<string, number> = {};
  const inputs: TensorInfo[] = [];
  const consumed = new Set<string>();
  let macs = 0;
  const layers: LayerInfo[] = [];
  for (const node of nodes) {
    const sources = (node.input ?? []).filter((i) => !i.startsWith('^')).map(sourceName);
    sources.forEach((s) => consumed.add(s));
    const inputShapes = sources.map((s) => shapes.get(s) ?? null);
    const weight = sources.map((s) => weightShapes.get(s)).find((shape) => shape && shape.length >= 2);
    let output: Shape | null = weightShapes.get(node.name) ?? null;
    let layerMacs = 0;
    const count = (shape: Shape | null) => (shape && shape.slice(1).every((d) => typeof d === 'number') ? (shape.slice(1) as number[]).reduce((p, d) => p * d, 1) : null);
    if (node.op === 'Placeholder') {
      output = attrShape(node.attr?.shape);
      inputs.push({ name: node.name, dtype: (node.attr?.dtype?.type ?? 'DT_FLOAT').replace(/^DT_/, '').toLowerCase(), shape: output });
    } else if ((node.op === 'Conv2D' || node.op === '_FusedConv2D') && weight) {
      output = windowed(node, inputShapes[0], [weight[0], weight[1]], weight[3]);
      const outputs = count(output);
      layerMacs = outputs === null ? 0 : outputs * weight[0] * weight[1] * weight[2];
    } else if (node.op === 'DepthwiseConv2dNative' || node.op === 'FusedDepthwiseConv2dNative') {
      const input = inputShapes[0];
      const channels = input && weight && typeof input[3] === 'number' ? input[3] * weight[3] : null;
      output = weight ? windowed(node, input, [weight[0], weight[1]], channels) : null;
      const outputs = count(output);
      layerMacs = outputs === null || !weight ? 0 : outputs * weight[0] * weight[1];
    } else if (node.op === 'MaxPool' || node.op === 'AvgPool') {
      const ksize = intList(node.attr?.ksize) ?? [1, 1, 1, 1];
      const input = inputShapes[0];
      output = windowed(node, input, text(node.attr?.data_format) === 'NCHW' ? [ksize[2], ksize[3]] : [ksize[1], ksize[2]], input ? input[text(node.attr?.data_format) === 'NCHW' ? 1 : 3] : null);
    } else if ((node.op === 'MatMul' || node.op === '_FusedMatMul') && inputShapes[1]?.length === 2) {
      // Per sample (one row of A); the weight operand alone fixes K and N when A's shape is unknown.
      const b = inputShapes[1];
      const a = inputShapes[0];
      const transposeA = node.attr?.transpose_a?.b ?? false;
      const transposeB = node.attr?.transpose_b?.b ?? false;
      const [k, n] = transposeB ? [b[1], b[0]] : [b[0], b[1]];
      output = [a?.length === 2 ? (transposeA ? a[1] : a[0]) : null, n];
      layerMacs = typeof k === 'number' && typeof n === 'number' ? k * n : 0;
    } else if (elementwise.has(node.op)) {
      output = inputShapes[0];
    }
    shapes.set(node.name, output);
    macs += layerMacs;
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    layers.push({
      name: node.name, type: node.op, inputs: sources, outputs: [node.name], outputShape: output, outputShapes: [output],
      params: weightShapes.has(node.name) ? weightShapes.get(node.name)!.reduce((p, d) => p * d, 1) : 0, macs: layerMacs,
      attributes: Object.fromEntries(Object.entries(node.attr ?? {}).map(([key, attr]) => [key, text(attr) ?? intList(attr) ?? attr.f ?? attr.i ?? attr.type ?? attrShape(attr)])),
    });
  }
  const outputs: TensorInfo[] = nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => ({ name: n.name, dtype: 'float32', shape: shapes.get(n.name) ?? null }));
  return {
    format: 'tfjs-graph', file, fileSize,
    producer: [json.generatedBy, json.convertedBy].filter(Boolean).join(', ') || null,
    opset: null, irVersion: null, inputs, outputs, ...paramTotals(weights), macs, ops, layers, metadata: stringMetadata(json),
  };
}
