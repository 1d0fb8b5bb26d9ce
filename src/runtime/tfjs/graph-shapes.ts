import type { Dim, Shape } from '../inspect/types';

/** A GraphDef node as tfjs graph-model JSON stores it. */
export interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, GraphAttr> }
export interface GraphAttr { b?: boolean; s?: string; i?: string; f?: number; type?: string; list?: { i?: string[]; s?: string[] }; shape?: { dim?: { size: string }[]; unknownRank?: boolean } }

/** What is known of a tensor: its shape, and for small integer tensors (shapes, axes, sizes) their values. */
export interface TensorFact { shape: Shape | null; values?: number[] }

export const attrText = (attr: GraphAttr | undefined) => (attr?.s ? Buffer.from(attr.s, 'base64').toString('utf8') : undefined);
export const attrInts = (attr: GraphAttr | undefined) => attr?.list?.i?.map(Number);
const attrInt = (attr: GraphAttr | undefined, fallback: number) => (attr?.i !== undefined ? Number(attr.i) : fallback);

export function attrShape(attr: GraphAttr | undefined): Shape | null {
  if (!attr?.shape || attr.shape.unknownRank) return null;
  return (attr.shape.dim ?? []).map((dim) => (Number(dim.size) >= 0 ? Number(dim.size) : null));
}

const known = (dims: Shape | null | undefined): dims is number[] => !!dims && dims.every((d) => typeof d === 'number');
const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/** Elements of a shape for one sample: a symbolic dim (the batch) counts 1; null when a dim is unknown. */
export function sampleElements(shape: Shape | null | undefined): number | null {
  if (!shape) return null;
  let count = 1;
  for (const dim of shape) {
    if (dim === null) return null;
    if (typeof dim === 'number') count *= dim;
  }
  return count;
}

function broadcastDim(a: Dim | undefined, b: Dim | undefined): Dim {
  if (a === undefined) return b ?? null;
  if (b === undefined || b === 1) return a;
  if (a === 1) return b;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a === b ? a : null;
}

export function broadcast(shapes: (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim | undefined;
    for (const shape of shapes as Shape[]) {
      const axis = shape.length - rank + i;
      if (axis >= 0) dim = broadcastDim(dim, shape[axis]);
    }
    out.push(dim ?? null);
  }
  return out;
}

const unary = new Set(['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Identity', 'Cast', 'Sqrt', 'Rsqrt',
  'Exp', 'Log', 'Log1p', 'Neg', 'Abs', 'Reciprocal', 'Square', 'Floor', 'Ceil', 'Round', 'Sign', 'Erf', 'Softplus', 'LeakyRelu',
  'StopGradient', 'Snapshot', 'ZerosLike', 'OnesLike', 'LRN', 'Sin', 'Cos', 'IsNan', 'LogicalNot', 'Relu1', 'Gelu', 'Mish', 'Swish']);
const binary = new Set(['Add', 'AddV2', 'BiasAdd', 'Sub', 'Mul', 'RealDiv', 'Div', 'DivNoNan', 'FloorDiv', 'FloorMod', 'Mod', 'Maximum',
  'Minimum', 'Pow', 'SquaredDifference', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'LogicalAnd',
  'LogicalOr', 'Prelu', 'Atan2', 'AddN', 'Select', 'SelectV2', 'ClipByValue']);
const valueOps: Partial<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b, AddV2: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, FloorDiv: (a, b) => Math.floor(a / b),
  RealDiv: (a, b) => a / b, Div: (a, b) => a / b, Maximum: Math.max, Minimum: Math.min, FloorMod: (a, b) => a - Math.floor(a / b) * b,
};
const reductions = new Set(['Mean', 'Max', 'Min', 'Sum', 'Prod', 'All', 'Any']);

const normalizeAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function windowDim(input: Dim, kernel: number, stride: number, dilation: number, padding: string, explicit: number): Dim {
  if (typeof input !== 'number') return null;
  if (padding === 'SAME') return Math.ceil(input / stride);
  return Math.floor((input + explicit - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** Output shape of a windowed NHWC/NCHW op (convolutions, pools). */
function windowed(node: GraphNode, input: Shape | null, kernel: [number, number], channels: Dim): Shape | null {
  if (!input || input.length !== 4) return null;
  const nchw = attrText(node.attr?.data_format) === 'NCHW';
  const [h, w, c] = nchw ? [2, 3, 1] : [1, 2, 3];
  const strides = attrInts(node.attr?.strides) ?? [1, 1, 1, 1];
  const dilations = attrInts(node.attr?.dilations) ?? [1, 1, 1, 1];
  const padding = attrText(node.attr?.padding) ?? 'VALID';
  const explicit = attrInts(node.attr?.explicit_paddings) ?? [];
  const pad = (axis: number) => (padding === 'EXPLICIT' ? (explicit[axis * 2] ?? 0) + (explicit[axis * 2 + 1] ?? 0) : 0);
  const output: Shape = [...input];
  output[h] = windowDim(input[h], kernel[0], strides[h] ?? 1, dilations[h] ?? 1, padding, pad(h));
  output[w] = windowDim(input[w], kernel[1], strides[w] ?? 1, dilations[w] ?? 1, padding, pad(w));
  output[c] = channels;
  return output;
}

function reshape(input: Shape | null, target: number[] | undefined, targetShape: Shape | null): Shape | null {
  if (!target) return targetShape && targetShape.length === 1 && typeof targetShape[0] === 'number' ? Array(targetShape[0]).fill(null) : null;
  const inferred = target.indexOf(-1);
  if (inferred < 0) return target;
  const out: Shape = [...target];
  const rest = product(target.filter((d) => d !== -1));
  if (!input || input.some((d) => d === null)) {
    out[inferred] = null;
    return out;
  }
  const symbols = input.filter((d) => typeof d === 'string');
  const numeric = product(input.filter((d): d is number => typeof d === 'number'));
  if (symbols.length === 0) out[inferred] = rest > 0 ? numeric / rest : null;
  else out[inferred] = symbols.length === 1 && numeric === rest ? symbols[0] : null;
  return out;
}

/** StridedSlice's output shape (and values for a 1-D input with values), with every mask but the ellipsis. */
function stridedSlice(node: GraphNode, input: TensorFact, begin?: number[], end?: number[], strides?: number[]): TensorFact {
  const shape = input.shape;
  if (!shape || !begin || !end || !strides) return { shape: null };
  const mask = (name: string) => attrInt(node.attr?.[name], 0);
  if (mask('ellipsis_mask')) return { shape: null };
  const beginMask = mask('begin_mask'), endMask = mask('end_mask'), newAxis = mask('new_axis_mask'), shrink = mask('shrink_axis_mask');
  const out: Shape = [];
  let axis = 0;
  let sliced: number[] | undefined;
  for (let i = 0; i < begin.length; i++) {
    if (newAxis & (1 << i)) { out.push(1); continue; }
    const dim = shape[axis];
    const stride = strides[i] ?? 1;
    if (shrink & (1 << i)) {
      if (axis === 0 && input.values && shape.length === 1) sliced = [input.values[normalizeAxis(begin[i], input.values.length)]];
      axis++;
      continue;
    }
    if (typeof dim !== 'number') { out.push(beginMask & (1 << i) && endMask & (1 << i) ? dim : null); axis++; continue; }
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let start = beginMask & (1 << i) ? (stride > 0 ? 0 : dim - 1) : normalizeAxis(begin[i], dim);
    let stop = endMask & (1 << i) ? (stride > 0 ? dim : -1) : normalizeAxis(end[i], dim);
    start = stride > 0 ? clamp(start, 0, dim) : clamp(start, -1, dim - 1);
    stop = stride > 0 ? clamp(stop, 0, dim) : clamp(stop, -1, dim - 1);
    const length = Math.max(0, Math.ceil((stop - start) / stride));
    out.push(length);
    if (axis === 0 && input.values && shape.length === 1) sliced = Array.from({ length }, (_, k) => input.values![start + k * stride]);
    axis++;
  }
  for (; axis < shape.length; axis++) out.push(shape[axis]);
  return { shape: out, values: sliced };
}

const reduceShape = (shape: Shape | null, axes: number[] | undefined, keep: boolean): Shape | null => {
  if (!shape || !axes) return null;
  const drop = new Set(axes.map((a) => normalizeAxis(a, shape.length)));
  return keep ? shape.map((d, i) => (drop.has(i) ? 1 : d)) : shape.filter((_, i) => !drop.has(i));
};

/**
 * Output facts of one graph node from its inputs' facts: every op tfjs-converter emits for CNNs. Unknown ops (and
 * ops whose shape depends on data, such as NonMaxSuppression or Where) give unknown shapes.
 */
export function inferNode(node: GraphNode, inputs: TensorFact[]): TensorFact[] {
  const attr = node.attr ?? {};
  const shapeOf = (i: number) => inputs[i]?.shape ?? null;
  const valuesOf = (i: number) => inputs[i]?.values;
  const op = node.op;
  if (op === 'Placeholder') {
    const shape = attrShape(attr.shape);
    return [{ shape: shape?.map((d, i) => (d === null && i === 0 ? 'batch' : d)) ?? null }];
  }
  if (unary.has(op)) return [{ shape: shapeOf(0), values: op === 'Cast' || op === 'Identity' ? valuesOf(0) : undefined }];
  if (op === 'IdentityN') return inputs.map((input) => ({ ...input }));
  if (op === 'FusedBatchNorm' || op === 'FusedBatchNormV3') return [{ shape: shapeOf(0) }];
  if (binary.has(op)) {
    const shape = broadcast(inputs.map((input) => input.shape));
    const a = valuesOf(0), b = valuesOf(1);
    const fn = valueOps[op];
    const values = fn && a && b && shape && shape.length <= 1
      ? Array.from({ length: Math.max(a.length, b.length) }, (_, i) => fn(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i])) : undefined;
    return [{ shape, values }];
  }
  switch (op) {
    case 'Conv2D': case '_FusedConv2D': {
      const filter = shapeOf(1);
      return [{ shape: known(filter) ? windowed(node, shapeOf(0), [filter[0], filter[1]], filter[3]) : null }];
    }
    case 'DepthwiseConv2dNative': case 'FusedDepthwiseConv2dNative': {
      const filter = shapeOf(1);
      const input = shapeOf(0);
      const c = input ? input[attrText(attr.data_format) === 'NCHW' ? 1 : 3] : null;
      return [{ shape: known(filter) ? windowed(node, input, [filter[0], filter[1]], typeof c === 'number' ? c * filter[3] : null) : null }];
    }
    case 'Conv2DBackpropInput': return [{ shape: valuesOf(0) ?? null }];
    case 'MaxPool': case 'AvgPool': {
      const ksize = attrInts(attr.ksize) ?? [1, 1, 1, 1];
      const nchw = attrText(attr.data_format) === 'NCHW';
      const input = shapeOf(0);
      return [{ shape: windowed(node, input, nchw ? [ksize[2], ksize[3]] : [ksize[1], ksize[2]], input ? input[nchw ? 1 : 3] : null) }];
    }
    case 'MatMul': case '_FusedMatMul': case 'BatchMatMul': case 'BatchMatMulV2': {
      const a = shapeOf(0), b = shapeOf(1);
      if (!a || !b || a.length < 2 || b.length < 2) return [{ shape: null }];
      const ta = attr.transpose_a?.b || attr.adj_x?.b, tb = attr.transpose_b?.b || attr.adj_y?.b;
      const m = ta ? a[a.length - 1] : a[a.length - 2];
      const n = tb ? b[b.length - 2] : b[b.length - 1];
      const batch = broadcast([a.slice(0, -2), b.slice(0, -2)]);
      return [{ shape: batch ? [...batch, m, n] : null }];
    }
    case 'Pad': case 'PadV2': case 'MirrorPad': {
      const input = shapeOf(0), pads = valuesOf(1);
      if (!input) return [{ shape: null }];
      return [{ shape: input.map((d, i) => (pads && typeof d === 'number' ? d + pads[2 * i] + pads[2 * i + 1] : pads && pads[2 * i] + pads[2 * i + 1] === 0 ? d : null)) }];
    }
    case 'ResizeBilinear': case 'ResizeNearestNeighbor': {
      const input = shapeOf(0), size = valuesOf(1);
      return [{ shape: input && input.length === 4 ? [input[0], size?.[0] ?? null, size?.[1] ?? null, input[3]] : null }];
    }
    case 'ConcatV2': case 'Concat': {
      const parts = op === 'ConcatV2' ? inputs.slice(0, -1) : inputs.slice(1);
      const axisValue = (op === 'ConcatV2' ? inputs[inputs.length - 1] : inputs[0])?.values?.[0];
      const first = parts[0]?.shape;
      if (!first || axisValue === undefined || parts.some((p) => !p.shape || p.shape.length !== first.length)) return [{ shape: null }];
      const axis = normalizeAxis(axisValue, first.length);
      const shape = first.map((_, i) => (i === axis
        ? parts.reduce<Dim>((sum, p) => (typeof sum === 'number' && typeof p.shape![i] === 'number' ? sum + (p.shape![i] as number) : null), 0)
        : parts.reduce<Dim>((dim, p) => broadcastDim(dim, p.shape![i]), parts[0].shape![i])));
      const values = first.length === 1 && parts.every((p) => p.values) ? parts.flatMap((p) => p.values!) : undefined;
      return [{ shape, values }];
    }
    case 'Pack': {
      const first = shapeOf(0);
      if (!first) return [{ shape: null }];
      const axis = normalizeAxis(attrInt(attr.axis, 0), first.length + 1);
      const shape = [...first.slice(0, axis), inputs.length, ...first.slice(axis)];
      const values = first.length === 0 && inputs.every((i) => i.values?.length === 1) ? inputs.map((i) => i.values![0]) : undefined;
      return [{ shape, values }];
    }
    case 'Unpack': {
      const input = shapeOf(0);
      const count = attrInt(attr.num, input ? Number(input[normalizeAxis(attrInt(attr.axis, 0), input.length)]) : 0);
      const axis = input ? normalizeAxis(attrInt(attr.axis, 0), input.length) : 0;
      return Array.from({ length: count }, (_, k) => ({
        shape: input ? input.filter((_, i) => i !== axis) : null,
        values: input?.length === 1 && valuesOf(0) ? [valuesOf(0)![k]] : undefined,
      }));
    }
    case 'Reshape': return [{ shape: reshape(shapeOf(0), valuesOf(1), shapeOf(1)), values: valuesOf(0) }];
    case 'Squeeze': {
      const input = shapeOf(0);
      if (!input) return [{ shape: null }];
      const dims = (attrInts(attr.squeeze_dims) ?? attrInts(attr.axis) ?? []).map((a) => normalizeAxis(a, input.length));
      return [{ shape: dims.length > 0 ? input.filter((_, i) => !dims.includes(i)) : input.filter((d) => d !== 1), values: valuesOf(0) }];
    }
    case 'ExpandDims': {
      const input = shapeOf(0), axis = valuesOf(1)?.[0];
      if (!input || axis === undefined) return [{ shape: null }];
      const at = normalizeAxis(axis, input.length + 1);
      return [{ shape: [...input.slice(0, at), 1, ...input.slice(at)], values: valuesOf(0) }];
    }
    case 'Transpose': {
      const input = shapeOf(0), perm = valuesOf(1);
      return [{ shape: input && perm ? perm.map((p) => input[p]) : null }];
    }
    case 'StridedSlice': return [stridedSlice(node, inputs[0], valuesOf(1), valuesOf(2), valuesOf(3))];
    case 'Slice': {
      const input = shapeOf(0), begin = valuesOf(1), size = valuesOf(2);
      if (!input || !begin || !size) return [{ shape: null }];
      const shape = size.map((s, i) => (s === -1 ? (typeof input[i] === 'number' ? (input[i] as number) - begin[i] : null) : s));
      return [{ shape, values: input.length === 1 && valuesOf(0) && typeof shape[0] === 'number' ? valuesOf(0)!.slice(begin[0], begin[0] + shape[0]) : undefined }];
    }
    case 'Split': case 'SplitV': {
      const input = op === 'Split' ? shapeOf(1) : shapeOf(0);
      const axisValue = op === 'Split' ? valuesOf(0)?.[0] : valuesOf(2)?.[0];
      const count = attrInt(attr.num_split, 1);
      if (!input || axisValue === undefined) return Array.from({ length: count }, () => ({ shape: null }));
      const axis = normalizeAxis(axisValue, input.length);
      const dim = input[axis];
      const sizes = op === 'Split' ? Array(count).fill(typeof dim === 'number' ? dim / count : null) : (valuesOf(1) ?? Array(count).fill(null));
      return sizes.map((size: number | null) => ({ shape: input.map((d, i) => (i === axis ? size : d)) }));
    }
    case 'Reverse': case 'ReverseV2': return [{ shape: shapeOf(0) }];
    case 'GatherV2': case 'Gather': {
      const params = shapeOf(0), indices = shapeOf(1), axisValue = op === 'GatherV2' ? valuesOf(2)?.[0] : 0;
      if (!params || !indices || axisValue === undefined) return [{ shape: null }];
      const axis = normalizeAxis(axisValue, params.length);
      const p = valuesOf(0), idx = valuesOf(1);
      return [{
        shape: [...params.slice(0, axis), ...indices, ...params.slice(axis + 1)],
        values: p && idx && params.length === 1 ? idx.map((i) => p[normalizeAxis(i, p.length)]) : undefined,
      }];
    }
    case 'GatherNd': {
      const params = shapeOf(0), indices = shapeOf(1);
      const depth = indices?.[indices.length - 1];
      if (!params || !indices || typeof depth !== 'number') return [{ shape: null }];
      return [{ shape: [...indices.slice(0, -1), ...params.slice(depth)] }];
    }
    case 'Shape': {
      const input = shapeOf(0);
      return [{ shape: input ? [input.length] : null, values: known(input) ? input : undefined }];
    }
    case 'Fill': return [{ shape: valuesOf(0) ?? null }];
    case 'Tile': {
      const input = shapeOf(0), multiples = valuesOf(1);
      return [{ shape: input && multiples ? input.map((d, i) => (typeof d === 'number' ? d * multiples[i] : multiples[i] === 1 ? d : null)) : null }];
    }
    case 'Range': {
      const [start, limit, delta] = [valuesOf(0)?.[0], valuesOf(1)?.[0], valuesOf(2)?.[0]];
      return [{ shape: [start !== undefined && limit !== undefined && delta ? Math.max(0, Math.ceil((limit - start) / delta)) : null] }];
    }
    case 'ArgMax': case 'ArgMin': {
      const input = shapeOf(0), axis = valuesOf(1)?.[0];
      return [{ shape: input && axis !== undefined ? input.filter((_, i) => i !== normalizeAxis(axis, input.length)) : null }];
    }
    case 'TopKV2': {
      const input = shapeOf(0), k = valuesOf(1)?.[0];
      const shape = input ? [...input.slice(0, -1), k ?? null] : null;
      return [{ shape }, { shape }];
    }
    case 'OneHot': {
      const indices = shapeOf(0), depth = valuesOf(1)?.[0];
      return [{ shape: indices ? [...indices, depth ?? null] : null }];
    }
    case 'TensorListStack': {
      // The stacked result of a loop (tfjs-converter's map over the batch): [num_elements, ...element_shape].
      const element = valuesOf(1);
      const count = attrInt(attr.num_elements, -1);
      return [{ shape: element ? [count >= 0 ? count : null, ...element.map((d) => (d >= 0 ? d : null))] : null }];
    }
    case 'DepthToSpace': case 'SpaceToDepth': {
      const input = shapeOf(0), block = attrInt(attr.block_size, 1);
      if (!input || input.length !== 4) return [{ shape: null }];
      const up = op === 'DepthToSpace';
      const scale = (d: Dim, f: number) => (typeof d === 'number' ? d * f : null);
      return [{ shape: [input[0], scale(input[1], up ? block : 1 / block), scale(input[2], up ? block : 1 / block), scale(input[3], up ? 1 / (block * block) : block * block)] }];
    }
  }
  if (reductions.has(op)) {
    const axes = valuesOf(1);
    return [{ shape: reduceShape(shapeOf(0), axes, attr.keep_dims?.b ?? false) }];
  }
  return [{ shape: null }];
}

/**
 * Multiply-accumulates of one node for one sample, or null when its shapes are not known; 0 for ops that do none
 * (as counters hooking convolutions and dense layers count).
 *   Conv2D, fused Conv2D        output elements × kH×kW×Cin
 *   depthwise convolutions      output elements × kH×kW
 *   Conv2DBackpropInput         input (dy) elements × kH×kW×Cout
 *   MatMul, BatchMatMul         output elements × K
 */
export function nodeMacs(node: GraphNode, inputs: (Shape | null)[], output: Shape | null): number | null {
  const filter = inputs[1];
  switch (node.op) {
    case 'Conv2D': case '_FusedConv2D': {
      const outputs = sampleElements(output);
      return outputs === null || !known(filter) ? null : outputs * filter[0] * filter[1] * filter[2];
    }
    case 'DepthwiseConv2dNative': case 'FusedDepthwiseConv2dNative': {
      const outputs = sampleElements(output);
      return outputs === null || !known(filter) ? null : outputs * filter[0] * filter[1];
    }
    case 'Conv2DBackpropInput': {
      const dy = sampleElements(inputs[2]);
      return dy === null || !known(filter) ? null : dy * filter[0] * filter[1] * filter[2];
    }
    case 'MatMul': case '_FusedMatMul': case 'BatchMatMul': case 'BatchMatMulV2': {
      const a = inputs[0];
      const outputs = sampleElements(output);
      if (!a || outputs === null) return null;
      const k = node.attr?.transpose_a?.b || node.attr?.adj_x?.b ? a[a.length - 2] : a[a.length - 1];
      return typeof k === 'number' ? outputs * k : null;
    }
    default:
      return 0;
  }
}
