import type { Emitter } from './emitter';
import type { RuleContext } from './rules/types';

/** Inverse of a permutation. */
export function inversePermutation(perm: number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, position) => { inverse[axis] = position; });
  return inverse;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Softmax or LogSoftmax over one axis. Before opset 13 these operators work on the flattened trailing
 * axes, so the axis is moved last first unless it already is.
 */
export function softmaxAlong(emit: Emitter, opType: 'Softmax' | 'LogSoftmax', tensor: string, axis: number, rank: number): string {
  if (emit.opset >= 13 || axis === rank - 1) return emit.node(opType, [tensor], { axis });
  const perm = [...Array(rank).keys()].filter((a) => a !== axis).concat(axis);
  const result = emit.node(opType, [emit.transpose(tensor, perm)], { axis: rank - 1 });
  return emit.transpose(result, inversePermutation(perm));
}

/**
 * Reduces the gradient of a broadcasting operator's output to the shape of one of its inputs: sums over the
 * leading axes the input lacks and over the axes where the input has size 1. The last `keptTrailing` axes are
 * not broadcast (MatMul's matrix axes).
 */
export function reduceToInput(context: RuleContext, gradient: string, input: string, keptTrailing = 0): string {
  const emit = context.emit;
  const outputShape = context.shape(context.output(0));
  const inputShape = context.shape(input);
  if (!inputShape) context.fail(`the shape of '${input}' is not known (give shapes or sample feeds)`);
  const outputRank = outputShape ? outputShape.length : inputShape.length;
  const lead = outputRank - inputShape.length;
  const axes: number[] = [];
  for (let axis = 0; axis < outputRank; axis++) {
    if (axis < lead) axes.push(axis);
    else if (axis < outputRank - keptTrailing && inputShape[axis - lead] === 1 && outputShape?.[axis] !== 1) axes.push(axis);
  }
  if (axes.length === 0) return gradient;
  const reduced = emit.reduceSum(gradient, axes, true);
  return lead > 0 ? emit.reshapeLike(reduced, input) : reduced;
}

/** Spatial geometry of a convolution or pooling window, resolved to explicit pads. */
export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...] */
  pads: number[];
}

/** Reads kernel_shape/strides/dilations/pads/auto_pad, resolving SAME_* and VALID against static sizes. */
export function windowGeometry(context: RuleContext, spatialIn: number[], kernel: number[]): WindowGeometry {
  const count = kernel.length;
  const strides = context.ints('strides') ?? new Array(count).fill(1);
  const dilations = context.ints('dilations') ?? new Array(count).fill(1);
  let pads = context.ints('pads') ?? new Array(2 * count).fill(0);
  const autoPad = context.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') pads = new Array(2 * count).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array(2 * count).fill(0);
    for (let i = 0; i < count; i++) {
      const out = Math.ceil(spatialIn[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatialIn[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + count] = total - pads[i];
    }
  } else if (autoPad !== 'NOTSET') context.fail(`auto_pad ${autoPad} is not supported`);
  return { kernel, strides, dilations, pads };
}

/**
 * ConvTranspose whose output spatial size is exactly `target`: the forward window's begin pads, with the end
 * pads (or output_padding, when the forward pass dropped trailing rows) chosen to land on the target size.
 */
export function convTransposeToSize(emit: Emitter, input: string, weight: string, geometry: WindowGeometry, spatialOut: number[], target: number[], group: number): string {
  const count = geometry.kernel.length;
  const pads = [...geometry.pads];
  const outputPadding = new Array<number>(count).fill(0);
  for (let i = 0; i < count; i++) {
    const full = geometry.strides[i] * (spatialOut[i] - 1) + (geometry.kernel[i] - 1) * geometry.dilations[i] + 1;
    const end = full - pads[i] - target[i];
    if (end >= 0) pads[i + count] = end;
    else {
      pads[i + count] = 0;
      outputPadding[i] = -end;
    }
  }
  return emit.node('ConvTranspose', [input, weight], {
    kernel_shape: geometry.kernel,
    strides: geometry.strides,
    dilations: geometry.dilations,
    pads,
    group,
    output_padding: outputPadding.some((p) => p > 0) ? outputPadding : undefined,
  });
}

/**
 * im2col with the channel axis first: for a tensor laid out [C, N, ...spatial] (already padded), the window
 * taps of every output position, as [C, taps, N, ...spatialOut]. spatialIn is the padded input's size.
 */
export function channelFirstColumns(emit: Emitter, channelFirst: string, geometry: WindowGeometry, spatialIn: number[], spatialOut: number[]): string {
  const slices = channelFirstTaps(emit, channelFirst, geometry, spatialIn, spatialOut, (slice) => slice);
  return slices.length === 1 ? slices[0] : emit.node('Concat', slices, { axis: 1 });
}

/**
 * The im2col columns of channelFirstColumns one window tap at a time ([C, 1, N, ...spatialOut] each), each handed to
 * `use` as soon as it is emitted so that what consumes it comes before the next tap's slice in the graph.
 */
export function channelFirstTaps(emit: Emitter, channelFirst: string, geometry: WindowGeometry, spatialIn: number[], spatialOut: number[], use: (slice: string) => string): string[] {
  const count = geometry.kernel.length;
  const taps: number[][] = [[]];
  for (const size of geometry.kernel) {
    const next: number[][] = [];
    for (const prefix of taps) for (let k = 0; k < size; k++) next.push([...prefix, k]);
    taps.splice(0, taps.length, ...next);
  }
  const spatialAxes = [...Array(count).keys()].map((i) => i + 3);
  const expanded = emit.unsqueeze(channelFirst, [1]);
  return taps.map((tap) => {
    const starts = tap.map((k, i) => k * geometry.dilations[i]);
    const ends = tap.map((k, i) => starts[i] + geometry.strides[i] * (spatialOut[i] - 1) + 1);
    const whole = starts.every((start, i) => start === 0 && ends[i] === spatialIn[i]) && geometry.strides.every((s) => s === 1);
    return use(whole ? expanded : emit.slice(expanded, starts, ends, spatialAxes, geometry.strides));
  });
}

/**
 * Correlates im2col columns [A, taps, N, ...] with another channel-first tensor [B, N, ...] over every position
 * (N and the spatial axes): the weight gradient of a convolution, shaped `weightDims` = [B, A/group, ...kernel].
 */
export function correlateColumns(emit: Emitter, columns: string, other: string, channelsA: number, channelsB: number, taps: number, group: number, weightDims: number[]): string {
  if (group === 1) {
    const product = emit.node('Gemm', [emit.reshape(other, [channelsB, -1]), emit.reshape(columns, [channelsA * taps, -1])], { transB: 1 });
    return emit.reshape(product, weightDims);
  }
  const groupedColumns = emit.reshape(columns, [group, (channelsA / group) * taps, -1]);
  const groupedOther = emit.transpose(emit.reshape(other, [group, channelsB / group, -1]), [0, 2, 1]);
  const product = emit.node('MatMul', [groupedColumns, groupedOther]);
  return emit.reshape(emit.transpose(product, [0, 2, 1]), weightDims);
}

/** Static spatial dims (axes 2 and on) of a tensor; fails when they are not known. */
export function spatialDims(context: RuleContext, tensor: string): number[] {
  const shape = context.shape(tensor);
  const spatial = shape?.slice(2);
  if (!spatial || spatial.length === 0 || spatial.some((dim) => dim < 0)) {
    context.fail(`the spatial size of '${tensor}' is not known statically (give shapes or sample feeds)`);
  }
  return spatial;
}

/** Moves axis 1 first: [N, C, ...] → [C, N, ...]. */
export function channelFirst(emit: Emitter, tensor: string, rank: number): string {
  return emit.transpose(tensor, [1, 0, ...[...Array(rank - 2).keys()].map((axis) => axis + 2)]);
}
