import type { OnnxModel } from '../onnx/codec';
import { nodeName, producerMap, topologicalOrder } from '../onnx/graph';
import type { ShapeMap } from '../grad/shapes';

export interface LayerChoice {
  /** The tensor whose activation is explained. */
  tensor: string;
  /** The node producing it. */
  node: string;
  opType: string;
  dims: number[];
}

/** A 4-D tensor whose H and W (at the layout's axes) are both above 1. */
export function hasSpatialExtent(dims: number[] | undefined, layout: 'nchw' | 'nhwc' = 'nchw'): dims is number[] {
  const [h, w] = layout === 'nchw' ? [2, 3] : [1, 2];
  return !!dims && dims.length === 4 && dims[h] > 1 && dims[w] > 1;
}

/**
 * The default layer to explain: the last of the candidates (given in topological order) with spatial extent whose
 * tensor the output depends on (`needed`: the sets to try, in order; the first holding such a tensor decides). When the output is itself a map (segmentation, a text-probability map,
 * a super-resolved image), the tensors of the head that already hold the output's channels (the classifier's map,
 * its upsampling, the output itself) are passed over for the last feature map before them, as pytorch-grad-cam's
 * segmentation examples pick the backbone's last stage rather than the logits.
 */
export function lastSpatialLayer(candidates: LayerChoice[], needed: Set<string>[], layout: 'nchw' | 'nhwc', outputDims?: readonly number[]): LayerChoice {
  const spatialIn = (set: Set<string>) => candidates.filter((candidate) => set.has(candidate.tensor) && hasSpatialExtent(candidate.dims, layout));
  const spatial = needed.map(spatialIn).find((found) => found.length > 0) ?? [];
  if (spatial.length === 0) throw new Error('the model has no layer with spatial extent to explain');
  const channelAxis = layout === 'nchw' ? 1 : 3;
  const outputChannels = outputDims && hasSpatialExtent([...outputDims], layout) ? outputDims[channelAxis] : undefined;
  const features = outputChannels === undefined ? [] : spatial.filter((candidate) => candidate.dims[channelAxis] !== outputChannels);
  return features.length > 0 ? features[features.length - 1] : spatial[spatial.length - 1];
}

/** Ops whose outputs do not change with a small change of their inputs (indices, comparisons, rounding, shapes). */
const ZERO_GRADIENT_OPS = new Set([
  'ArgMax', 'ArgMin', 'Shape', 'Size', 'NonZero', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And',
  'Or', 'Xor', 'Floor', 'Ceil', 'Round', 'Sign', 'IsNaN', 'IsInf', 'ConstantOfShape', 'EyeLike', 'RandomNormalLike', 'RandomUniformLike',
]);

/** Ops whose gradient flows to their first input only (the others are indices, shapes, sizes, axes or scales). */
const FIRST_INPUT_GRADIENT_OPS = new Set([
  'Gather', 'GatherND', 'GatherElements', 'Reshape', 'Expand', 'Tile', 'Slice', 'Pad', 'Squeeze', 'Unsqueeze', 'Resize',
  'Upsample', 'TopK', 'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'Split', 'CumSum',
]);

/**
 * Tensors the given output depends on; with `throughGradient`, only through a nonzero gradient: those that reach it
 * only as indices (an ArgMax feeding a Gather's positions, TopK's indices), through a comparison or through a shape
 * are left out, so a layer chosen among them has a gradient to explain.
 */
function ancestors(model: OnnxModel, output: string, throughGradient: boolean): Set<string> {
  const producers = producerMap(model.graph);
  const seen = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const producer = producers.get(name);
    if (!producer) continue;
    const inputs = producer.node.input.filter(Boolean);
    if (!throughGradient) stack.push(...inputs);
    else if (ZERO_GRADIENT_OPS.has(producer.node.op_type) || (producer.node.op_type === 'TopK' && producer.outputIndex === 1)) continue;
    else stack.push(...(FIRST_INPUT_GRADIENT_OPS.has(producer.node.op_type) ? inputs.slice(0, 1) : inputs));
  }
  return seen;
}

/**
 * The layer to explain: `requested` as a tensor name or a node name; by default the last node output (in
 * topological order) with spatial extent ([N, C, H, W], H and W > 1) that the output depends on through a gradient
 * (see ancestors and lastSpatialLayer); failing that, any it depends on.
 */
export function chooseTargetLayer(model: OnnxModel, shapes: ShapeMap, output: string, requested?: string): LayerChoice {
  const order = topologicalOrder(model.graph);
  const fileIndex = new Map(model.graph.node.map((node, index) => [node, index]));
  const nodeLabel = (node: OnnxModel['graph']['node'][number]) => nodeName(node, fileIndex.get(node)!);
  if (requested) {
    for (const node of order) {
      const byTensor = node.output.includes(requested) ? requested : undefined;
      const byNode = node.name === requested || nodeLabel(node) === requested ? node.output[0] : undefined;
      const tensor = byTensor ?? byNode;
      if (tensor) {
        const dims = shapes[tensor];
        if (!dims) throw new Error(`the shape of ${tensor} is unknown`);
        return { tensor, node: nodeLabel(node), opType: node.op_type, dims };
      }
    }
    throw new Error(`no node or tensor named "${requested}"`);
  }
  const candidates = order.flatMap((node) => node.output.map((tensor) => ({ tensor, node: nodeLabel(node), opType: node.op_type, dims: shapes[tensor] })));
  return lastSpatialLayer(candidates, [ancestors(model, output, true), ancestors(model, output, false)], 'nchw', shapes[output]);
}
