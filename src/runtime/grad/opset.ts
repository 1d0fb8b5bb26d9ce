import { createMessage, isDefaultDomain, OnnxAttribute, OnnxNode, toNumber } from '../onnx/codec';
import type { Emitter } from './emitter';
import { makeAttribute } from './emitter';

/**
 * Gradient graphs use opset 11 or later: dynamic Pad and Slice with steps, ScatterND, Range. Older models are
 * rewritten to opset 11 first; only the operators whose signature changed between their opset and 11 need it.
 */
export const MIN_GRADIENT_OPSET = 11;

function attributeOf(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute.find((attribute) => attribute.name === name);
}

function withChanges(node: OnnxNode, input: string[], drop: string[], add: OnnxAttribute[] = []): OnnxNode {
  const attribute = [...node.attribute.filter((a) => !drop.includes(a.name)), ...add];
  return createMessage<OnnxNode>('NodeProto', { ...node, input, attribute });
}

function intsOf(node: OnnxNode, name: string): number[] | undefined {
  return attributeOf(node, name)?.ints?.map(toNumber);
}

/** Rewrites the nodes of an opset-7…10 graph to their opset-11 form; other nodes are kept as they are. */
export function upgradeOpset(nodes: OnnxNode[], from: number, emit: Emitter): OnnxNode[] {
  if (from < 7) throw new Error(`models of opset ${from} are not supported for gradients (opset 7 or later)`);
  return nodes.map((node) => {
    if (!isDefaultDomain(node.domain)) return node;
    switch (node.op_type) {
      case 'Slice': {
        if (from >= 10) return node;
        const starts = intsOf(node, 'starts') ?? [];
        const axes = intsOf(node, 'axes') ?? starts.map((_, axis) => axis);
        const ends = intsOf(node, 'ends') ?? [];
        return withChanges(node, [node.input[0], emit.int64(starts), emit.int64(ends), emit.int64(axes)], ['starts', 'ends', 'axes']);
      }
      case 'Pad': {
        const pads = intsOf(node, 'pads') ?? intsOf(node, 'paddings') ?? [];
        const value = attributeOf(node, 'value')?.f ?? 0;
        return withChanges(node, [node.input[0], emit.int64(pads), emit.float(value)], ['pads', 'paddings', 'value']);
      }
      case 'Clip': {
        const min = attributeOf(node, 'min')?.f;
        const max = attributeOf(node, 'max')?.f;
        const inputs = [node.input[0], min !== undefined ? emit.float(min) : '', max !== undefined ? emit.float(max) : ''];
        while (inputs[inputs.length - 1] === '') inputs.pop();
        return withChanges(node, inputs, ['min', 'max']);
      }
      case 'Upsample':
      case 'Resize': {
        const mode = Buffer.from(attributeOf(node, 'mode')?.s ?? Buffer.from('nearest')).toString();
        const scales = attributeOf(node, 'scales')?.floats;
        const scalesInput = scales ? emit.float(scales) : node.input[1];
        const resize = withChanges(node, [node.input[0], emit.float([], [0]), scalesInput], ['scales', 'mode'], [
          makeAttribute('mode', mode === 'bilinear' ? 'linear' : mode),
          makeAttribute('coordinate_transformation_mode', 'asymmetric'),
          makeAttribute('nearest_mode', 'floor'),
        ]);
        resize.op_type = 'Resize';
        return resize;
      }
      case 'BatchNormalization': {
        const spatial = attributeOf(node, 'spatial');
        if (spatial && toNumber(spatial.i) === 0) throw new Error(`BatchNormalization node '${node.name}' uses spatial=0, which opset 9 removed`);
        return spatial ? withChanges(node, node.input, ['spatial']) : node;
      }
      default:
        return node;
    }
  });
}
