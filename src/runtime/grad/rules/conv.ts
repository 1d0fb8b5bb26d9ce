import { channelFirst, channelFirstColumns, channelFirstTaps, convTransposeToSize, correlateColumns, spatialDims, windowGeometry } from '../helpers';
import type { Emitter } from '../emitter';
import type { WindowGeometry } from '../helpers';
import type { GradientRuleEntry } from './types';

const TO_START = -Number.MAX_SAFE_INTEGER;

/**
 * Above this many elements (32 MiB of float32) the im2col matrix of the weight gradient is not built whole: each
 * window tap's columns meet dy in their own Gemm, so only one tap's columns live at a time (resnet18's first
 * convolutions at batch 32 would otherwise hold about 240 MB of columns, plus the slices they are built from).
 */
export const MAX_COLUMN_ELEMENTS = 1 << 23;

/**
 * dx of a convolution. With stride 1 it is itself a convolution of dy with the weights flipped spatially and
 * transposed per group, which onnxruntime runs faster than ConvTranspose (the flip folds into a constant when
 * the weights are initializers); strided convolutions use ConvTranspose.
 */
function inputGradient(emit: Emitter, dy: string, w: string, weightDims: number[], geometry: WindowGeometry, ySpatial: number[], xSpatial: number[], group: number): string {
  const count = geometry.kernel.length;
  const reach = geometry.kernel.map((k, i) => (k - 1) * geometry.dilations[i]);
  const pads = [...reach.map((r, i) => r - geometry.pads[i]), ...reach.map((r, i) => r - geometry.pads[i + count])];
  if (geometry.strides.some((s) => s !== 1) || pads.some((p) => p < 0)) return convTransposeToSize(emit, dy, w, geometry, ySpatial, xSpatial, group);
  const spatialAxes = [...Array(count).keys()].map((axis) => axis + 2);
  const flipped = emit.slice(w, spatialAxes.map(() => -1), spatialAxes.map(() => TO_START), spatialAxes, spatialAxes.map(() => -1));
  const [outChannels, inPerGroup, ...kernel] = weightDims;
  const grouped = emit.reshape(flipped, [group, outChannels / group, inPerGroup, ...kernel]);
  const swapped = emit.transpose(grouped, [0, 2, 1, ...spatialAxes.map((axis) => axis + 1)]);
  const transposed = emit.reshape(swapped, [inPerGroup * group, outChannels / group, ...kernel]);
  return emit.node('Conv', [dy, transposed], { kernel_shape: kernel, dilations: geometry.dilations, pads, group });
}

/**
 * Conv: the input gradient convolves dy back with the same weights; the weight gradient is one
 * Gemm (a batched MatMul with groups) of dy against the input's im2col columns; the bias gradient sums dy.
 */
export const convGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [x, w, b] = [context.input(0), context.input(1), context.input(2)];
    const dy = context.gradOut;
    const weightDims = context.staticShape(w);
    const xSpatial = spatialDims(context, x);
    const ySpatial = spatialDims(context, context.output(0));
    const rank = xSpatial.length + 2;
    const geometry = windowGeometry(context, xSpatial, weightDims.slice(2));
    const group = context.int('group', 1);
    const spatialAxes = [...Array(rank - 2).keys()].map((axis) => axis + 2);

    const dx = context.needs(0) ? inputGradient(emit, dy, w, weightDims, geometry, ySpatial, xSpatial, group) : undefined;
    let dw: string | undefined;
    if (context.needs(1)) {
      const count = rank - 2;
      const padded = emit.pad(channelFirst(emit, x, rank), [0, 0, ...geometry.pads.slice(0, count), 0, 0, ...geometry.pads.slice(count)]);
      const paddedSpatial = xSpatial.map((size, i) => size + geometry.pads[i] + geometry.pads[i + count]);
      const taps = geometry.kernel.reduce((a, c) => a * c, 1);
      const inputChannels = weightDims[1] * group;
      const batch = context.shape(x)?.[0] ?? -1;
      const columnElements = inputChannels * taps * batch * ySpatial.reduce((a, c) => a * c, 1);
      if (group === 1 && batch > 0 && columnElements > MAX_COLUMN_ELEMENTS) {
        const dyRows = emit.reshape(channelFirst(emit, dy, rank), [weightDims[0], -1]);
        const perTap = channelFirstTaps(emit, padded, geometry, paddedSpatial, ySpatial, (tap) =>
          emit.unsqueeze(emit.node('Gemm', [dyRows, emit.reshape(tap, [inputChannels, -1])], { transB: 1 }), [2]));
        dw = emit.reshape(perTap.length === 1 ? perTap[0] : emit.node('Concat', perTap, { axis: 2 }), weightDims);
      } else {
        const columns = channelFirstColumns(emit, padded, geometry, paddedSpatial, ySpatial);
        dw = correlateColumns(emit, columns, channelFirst(emit, dy, rank), inputChannels, weightDims[0], taps, group, weightDims);
      }
    }
    const db = b && context.needs(2) ? emit.reduceSum(dy, [0, ...spatialAxes], false) : undefined;
    return [dx, dw, db];
  },
};
