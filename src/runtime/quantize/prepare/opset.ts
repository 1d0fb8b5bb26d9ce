import { createMessage, OnnxModel, OnnxNode } from '../../onnx/codec';
import { DataType } from '../../onnx/dtypes';
import { defaultOpset } from '../../onnx/shapes';
import { Emitter } from '../../grad/emitter';
import { upgradeOpset } from '../../grad/opset';
import { intAttribute, intsAttribute, isDefaultDomain, QuantizeError, setDefaultOpset } from '../graph-edit';

/** Per-channel QuantizeLinear/DequantizeLinear (the `axis` attribute) came with opset 13. */
export const QUANTIZED_OPSET = 13;

/** Operators whose signature changed between opset 11 and 13 in a way this pass does not rewrite. */
const UNHANDLED_BEFORE_13 = new Set(['Scatter', 'TopK', 'Upsample']);

function withoutAttributes(node: OnnxNode, input: string[], drop: string[]): OnnxNode {
  return createMessage<OnnxNode>('NodeProto', { ...node, input, attribute: node.attribute.filter((a) => !drop.includes(a.name)) });
}

/**
 * Softmax before opset 13 flattens the input to 2-D at `axis` and normalises the trailing block; from 13 it works
 * along one axis. The old meaning is kept as Flatten → Softmax(last axis) → Reshape back.
 */
function softmaxAsOpset13(node: OnnxNode, emit: Emitter): OnnxNode[] {
  const axis = intAttribute(node, 'axis', 1);
  const shape = emit.fresh(`${node.output[0]}_shape`);
  const flat = emit.fresh(`${node.output[0]}_flat`);
  const normalised = emit.fresh(`${node.output[0]}_2d`);
  const base = node.name || node.output[0];
  return [
    createMessage<OnnxNode>('NodeProto', { name: `${base}_shape`, op_type: 'Shape', input: [node.input[0]], output: [shape], attribute: [] }),
    createMessage<OnnxNode>('NodeProto', { name: `${base}_flatten`, op_type: 'Flatten', input: [node.input[0]], output: [flat], attribute: [{ name: 'axis', type: 2, i: axis }] }),
    createMessage<OnnxNode>('NodeProto', { ...node, input: [flat], output: [normalised], attribute: [{ name: 'axis', type: 2, i: 1 }] }),
    createMessage<OnnxNode>('NodeProto', { name: `${base}_reshape`, op_type: 'Reshape', input: [normalised, shape], output: [node.output[0]], attribute: [] }),
  ];
}

/** Rewrites an opset-7…12 model to opset 13, where per-channel quantization exists; later opsets are kept. */
export function upgradeToQuantizedOpset(model: OnnxModel): OnnxModel {
  const from = defaultOpset(model);
  if (from >= QUANTIZED_OPSET) return model;
  const graph = model.graph;
  const taken = new Set<string>([...graph.input.map((i) => i.name), ...graph.initializer.map((t) => t.name ?? '')]);
  for (const node of graph.node) for (const name of [...node.input, ...node.output, node.name ?? '']) taken.add(name);
  const emit = new Emitter(QUANTIZED_OPSET, DataType.FLOAT, taken);
  const nodes = from < 11 ? upgradeOpset(graph.node, from, emit) : graph.node;
  const upgraded: OnnxNode[] = [];
  for (const node of nodes) {
    if (!isDefaultDomain(node)) { upgraded.push(node); continue; }
    if (UNHANDLED_BEFORE_13.has(node.op_type)) {
      throw new QuantizeError(`node ${node.name || node.output[0]} (${node.op_type}, opset ${from}) cannot be rewritten to opset ${QUANTIZED_OPSET}, which quantization needs`);
    }
    switch (node.op_type) {
      case 'Softmax':
      case 'LogSoftmax':
      case 'Hardmax':
        upgraded.push(...softmaxAsOpset13(node, emit));
        break;
      case 'Squeeze':
      case 'Unsqueeze':
      case 'ReduceSum': {
        const axes = intsAttribute(node, 'axes');
        upgraded.push(axes ? withoutAttributes(node, [node.input[0], emit.int64(axes)], ['axes']) : node);
        break;
      }
      case 'Split': {
        const split = intsAttribute(node, 'split');
        upgraded.push(split ? withoutAttributes(node, [node.input[0], emit.int64(split)], ['split']) : node);
        break;
      }
      default:
        upgraded.push(node);
    }
  }
  graph.node = [...emit.nodes, ...upgraded];
  graph.initializer = [...graph.initializer, ...emit.initializers];
  setDefaultOpset(model, QUANTIZED_OPSET);
  return model;
}
