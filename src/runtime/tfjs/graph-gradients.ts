import type { GraphNode } from './graph-shapes';
import { graphSignature, tensorRef } from './graph-model';
import type { ModelJson } from './manifest';

/**
 * Graph ops whose tfjs-converter 4.22 implementation records only tfjs kernels that have a gradient (tfjs-core's
 * registered gradients; fused convolutions and matmuls fall back to their unfused, differentiable parts while a
 * gradient is recorded). ArgMax/ArgMin and Floor/Round/Sign have zero gradients registered, so they pass. GatherNd's
 * gradient is ours (tfjs/gradients), registered whenever tfjs is loaded.
 */
const DIFFERENTIABLE_OPS = new Set([
  'Identity', 'IdentityN', 'Snapshot', 'StopGradient', 'PlaceholderWithDefault', 'Cast', 'Reshape', 'Squeeze', 'ExpandDims',
  'Transpose', 'ConcatV2', 'Concat', 'Pack', 'Unpack', 'Slice', 'Split', 'SplitV', 'Tile', 'GatherV2', 'Gather', 'GatherNd', 'Reverse',
  'ReverseV2', 'Pad', 'PadV2', 'MirrorPad', 'SpaceToBatchND', 'BatchToSpaceND', 'BroadcastTo', 'ZerosLike', 'OnesLike',
  'Add', 'AddV2', 'AddN', 'BiasAdd', 'Sub', 'Mul', 'RealDiv', 'Div', 'FloorDiv', 'FloorMod', 'Mod', 'Maximum', 'Minimum', 'Pow',
  'SquaredDifference', 'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atan2', 'Atanh', 'Ceil', 'Cos', 'Cosh', 'Elu', 'Erf',
  'Exp', 'Expm1', 'Floor', 'Log', 'Log1p', 'Neg', 'Reciprocal', 'Relu', 'Relu6', 'LeakyRelu', 'Prelu', 'Selu', 'Sigmoid', 'Sign',
  'Sin', 'Sinh', 'Softplus', 'Sqrt', 'Square', 'Rsqrt', 'Tan', 'Tanh', 'Round', 'ClipByValue',
  'Conv2D', '_FusedConv2D', 'DepthwiseConv2d', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput',
  'Conv2dTranspose', 'Conv3D', 'AvgPool', 'MaxPool', 'AvgPool3D', 'MaxPool3D', 'MatMul', '_FusedMatMul', 'BatchMatMul',
  'BatchMatMulV2', 'FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3', 'LRN', 'Softmax', 'LogSoftmax',
  'Mean', 'Sum', 'Max', 'Min', 'Prod', 'ArgMax', 'ArgMin', 'Cumsum', 'ResizeBilinear', 'ResizeNearestNeighbor', 'Select', 'SelectV2',
]);

/** Ops that read only their input's shape: tfjs builds the result from numbers, so nothing is recorded through them. */
const SHAPE_OPS = new Set(['Shape', 'ShapeN', 'Size', 'Rank']);

const graphNodes = (json: ModelJson): GraphNode[] => (json.modelTopology as { node?: GraphNode[] }).node ?? [];
const dataSources = (node: GraphNode) => (node.input ?? []).filter((input) => !input.startsWith('^')).map((input) => tensorRef(input)[0]);

/**
 * The input and output tfjs-converter runs by default (its first ones): from the signature where there is one,
 * else the first Placeholder and the first node no other node reads. `output` is a tensor name tfjs executes.
 */
export function graphIo(json: ModelJson): { input: string; output: string } {
  const nodes = graphNodes(json);
  const signature = graphSignature(json);
  const first = (entries?: Record<string, { name?: string }>) => (entries ? Object.values(entries)[0]?.name : undefined);
  const read = new Set(nodes.flatMap((node) => (node.input ?? []).map((input) => tensorRef(input)[0])));
  const input = first(signature?.inputs) ?? nodes.find((node) => node.op.startsWith('Placeholder'))?.name;
  const output = first(signature?.outputs) ?? nodes.find((node) => !read.has(node.name) && node.op !== 'Const' && node.op !== 'NoOp')?.name;
  if (!input || !output) throw new Error(`the graph has no ${input ? 'output' : 'input'} node`);
  return { input: tensorRef(input)[0], output };
}

/** Ops whose gradient is zero: the output does not change with a small change of their inputs. */
const ZERO_GRADIENT_OPS = new Set([
  'ArgMax', 'ArgMin', 'Floor', 'Ceil', 'Round', 'Sign', 'FloorDiv', 'FloorMod', 'Equal', 'NotEqual', 'Less', 'LessEqual',
  'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'LogicalNot', 'OnesLike', 'ZerosLike', ...SHAPE_OPS,
]);

/** Ops whose gradient flows to their first input only (the others are indices, shapes, sizes or axes). */
const FIRST_INPUT_GRADIENT_OPS = new Set([
  'GatherV2', 'Gather', 'GatherNd', 'Reshape', 'Tile', 'Slice', 'StridedSlice', 'Pad', 'PadV2', 'MirrorPad', 'ExpandDims',
  'Squeeze', 'Transpose', 'ResizeBilinear', 'ResizeNearestNeighbor', 'BroadcastTo', 'Sum', 'Mean', 'Max', 'Min', 'Prod',
  'Cumsum', 'SpaceToBatchND', 'BatchToSpaceND', 'ReverseV2', 'SplitV',
]);

/**
 * Names of the nodes `output` depends on (itself included); with `throughGradient`, only those whose value changes it
 * through a nonzero gradient: the ancestors that reach it only as indices (an ArgMax feeding a GatherNd's positions,
 * as in MoveNet's keypoint decoding), through a comparison or through a shape are left out, so a layer chosen from
 * them has a gradient to explain.
 */
export function graphAncestors(json: ModelJson, output: string, throughGradient = false): Set<string> {
  const byName = new Map(graphNodes(json).map((node) => [node.name, node]));
  const seen = new Set<string>();
  const stack = [tensorRef(output)[0]];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = byName.get(name) ?? { name, op: '' };
    const sources = dataSources(node);
    if (!throughGradient) stack.push(...sources);
    else if (ZERO_GRADIENT_OPS.has(node.op)) continue;
    // Split's first input is its axis; SplitV's first is the value.
    else if (node.op === 'Split') stack.push(...sources.slice(1, 2));
    else stack.push(...(FIRST_INPUT_GRADIENT_OPS.has(node.op) ? sources.slice(0, 1) : sources));
  }
  return seen;
}

export interface GradientBlocker { node: string; op: string }

/**
 * The first node, in file order, that lies between `from` (a node whose value is fed) and `output` and that tfjs
 * cannot backpropagate through (an op without a gradient, control flow); null when every one can.
 */
export function gradientBlocker(json: ModelJson, from: string, output: string): GradientBlocker | null {
  const nodes = graphNodes(json);
  const readers = new Map<string, GraphNode[]>();
  for (const node of nodes) for (const source of dataSources(node)) readers.set(source, [...(readers.get(source) ?? []), node]);
  const reached = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const name = stack.pop()!;
    for (const reader of readers.get(name) ?? []) {
      if (reached.has(reader.name) || SHAPE_OPS.has(reader.op)) continue;
      reached.add(reader.name);
      stack.push(reader.name);
    }
  }
  const needed = graphAncestors(json, output);
  const blocker = nodes.find((node) => reached.has(node.name) && needed.has(node.name) && !DIFFERENTIABLE_OPS.has(node.op));
  return blocker ? { node: blocker.name, op: blocker.op } : null;
}
