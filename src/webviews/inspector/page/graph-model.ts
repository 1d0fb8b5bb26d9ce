import type { GraphLabel } from '@dagrejs/dagre';
import dagre from '@dagrejs/dagre';
import type { ModelSummary, Shape } from '../../../runtime/inspect/types';
import { formatShape } from './format';

export type GraphNodeKind = 'layer' | 'input' | 'output';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** Op type for layers, tensor name for model inputs and outputs. */
  title: string;
  subtitle: string;
  /** Index into summary.layers for layer nodes. */
  layerIndex: number | null;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  tensor: string;
  shape: Shape | null;
}

export interface ModelGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Every tensor whose shape is known: model inputs and layer outputs. */
  tensorShapes: Map<string, Shape | null>;
}

export interface PlacedNode extends GraphNode {
  /** Centre of the box. */
  x: number;
  y: number;
}

export interface PlacedEdge extends GraphEdge {
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const CHAR_WIDTH = 7;
const NODE_PADDING = 20;
const NODE_HEIGHT = 40;

function boxWidth(title: string, subtitle: string): number {
  return Math.max(80, Math.max(title.length, subtitle.length) * CHAR_WIDTH + NODE_PADDING);
}

export const layerNodeId = (index: number) => `layer:${index}`;

/**
 * Nodes for model inputs, layers and model outputs; an edge wherever one node produces a tensor another consumes.
 * Tensors nobody produces (weights, initializers) make no edges: they are counted in the layer's parameters.
 */
export function buildModelGraph(summary: ModelSummary): ModelGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const producers = new Map<string, string>();
  const tensorShapes = new Map<string, Shape | null>();

  // A tfjs InputLayer is a layer that outputs the model input itself: it stands for the input, which gets no node.
  const layerOutputs = new Set(summary.layers.flatMap((layer) => layer.outputs));
  for (const input of summary.inputs) {
    if (layerOutputs.has(input.name)) continue;
    const id = `input:${input.name}`;
    const subtitle = `${input.dtype} ${formatShape(input.shape)}`;
    nodes.push({ id, kind: 'input', title: input.name, subtitle, layerIndex: null, width: boxWidth(input.name, subtitle), height: NODE_HEIGHT });
    producers.set(input.name, id);
    tensorShapes.set(input.name, input.shape);
  }
  summary.layers.forEach((layer, index) => {
    const id = layerNodeId(index);
    const subtitle = formatShape(layer.outputShape);
    nodes.push({ id, kind: 'layer', title: layer.type, subtitle, layerIndex: index, width: boxWidth(layer.type, subtitle), height: NODE_HEIGHT });
    layer.outputs.forEach((tensor, outputIndex) => {
      producers.set(tensor, id);
      tensorShapes.set(tensor, layer.outputShapes[outputIndex] ?? (outputIndex === 0 ? layer.outputShape : null));
    });
  });
  summary.layers.forEach((layer, index) => {
    const seen = new Set<string>();
    for (const tensor of layer.inputs) {
      const from = producers.get(tensor);
      if (!from || seen.has(tensor)) continue;
      seen.add(tensor);
      edges.push({ from, to: layerNodeId(index), tensor, shape: tensorShapes.get(tensor) ?? null });
    }
  });
  for (const output of summary.outputs) {
    const id = `output:${output.name}`;
    const subtitle = `${output.dtype} ${formatShape(output.shape)}`;
    nodes.push({ id, kind: 'output', title: output.name, subtitle, layerIndex: null, width: boxWidth(output.name, subtitle), height: NODE_HEIGHT });
    const from = producers.get(output.name);
    if (from) edges.push({ from, to: id, tensor: output.name, shape: output.shape });
  }
  return { nodes, edges, tensorShapes };
}

/** Top-to-bottom layered layout (dagre); coordinates in SVG user units. */
export function layoutModelGraph(graph: ModelGraph): GraphLayout {
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 20, marginy: 20 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) layout.setNode(node.id, { width: node.width, height: node.height });
  graph.edges.forEach((edge, index) => layout.setEdge(edge.from, edge.to, {}, `e${index}`));
  dagre.layout(layout);

  const nodes = graph.nodes.map((node) => {
    const placed = layout.node(node.id);
    return { ...node, x: placed.x, y: placed.y };
  });
  const edges = graph.edges.map((edge, index) => ({ ...edge, points: layout.edge(edge.from, edge.to, `e${index}`).points ?? [] }));
  const label = layout.graph() as GraphLabel;
  return { nodes, edges, width: label.width ?? 0, height: label.height ?? 0 };
}
