import { channelFirst, channelFirstColumns, convTransposeToSize, correlateColumns, spatialDims, windowGeometry } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * Conv: the input gradient is a ConvTranspose of dy with the same weights; the weight gradient is one
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

    const dx = context.needs(0) ? convTransposeToSize(emit, dy, w, geometry, ySpatial, xSpatial, group) : undefined;
    let dw: string | undefined;
    if (context.needs(1)) {
      const count = rank - 2;
      const padded = emit.pad(channelFirst(emit, x, rank), [0, 0, ...geometry.pads.slice(0, count), 0, 0, ...geometry.pads.slice(count)]);
      const paddedSpatial = xSpatial.map((size, i) => size + geometry.pads[i] + geometry.pads[i + count]);
      const columns = channelFirstColumns(emit, padded, geometry, paddedSpatial, ySpatial);
      const taps = geometry.kernel.reduce((a, c) => a * c, 1);
      const inputChannels = weightDims[1] * group;
      dw = correlateColumns(emit, columns, channelFirst(emit, dy, rank), inputChannels, weightDims[0], taps, group, weightDims);
    }
    const db = b && context.needs(2) ? emit.reduceSum(dy, [0, ...spatialAxes], false) : undefined;
    return [dx, dw, db];
  },
};
