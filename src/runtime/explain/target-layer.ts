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

function hasSpatialExtent(dims: number[] | undefined): dims is number[] {
  return !!dims && dims.length === 4 && dims[2] > 1 && dims[3] > 1;
}

/** Tensors the given output depends on. */
function ancestors(model: OnnxModel, output: string): Set<string> {
  const producers = producerMap(model.graph);
  const seen = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const producer = producers.get(name);
    if (producer) stack.push(...producer.node.input.filter(Boolean));
  }
  return seen;
}

/**
 * The layer to explain: `requested` as a tensor name or a node name; by default the last node output (in
 * topological order) with spatial extent ([N, C, H, W], H and W > 1) that the output depends on.
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
  const needed = ancestors(model, output);
  let choice: LayerChoice | undefined;
  for (const node of order) {
    for (const tensor of node.output) {
      if (needed.has(tensor) && hasSpatialExtent(shapes[tensor])) choice = { tensor, node: nodeLabel(node), opType: node.op_type, dims: shapes[tensor] };
    }
  }
  if (!choice) throw new Error('the model has no layer with spatial extent to explain');
  return choice;
}
