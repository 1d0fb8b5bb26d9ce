import { channelFirst, channelFirstColumns, correlateColumns, spatialDims } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * ConvTranspose is the adjoint of Conv: the input gradient is a Conv of dy with the same weights and window;
 * the weight gradient correlates the input with dy's im2col columns; the bias gradient sums dy.
 */
export const convTransposeGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [x, w, b] = [context.input(0), context.input(1), context.input(2)];
    const dy = context.gradOut;
    const weightDims = context.staticShape(w);
    const xSpatial = spatialDims(context, x);
    const ySpatial = spatialDims(context, context.output(0));
    const count = xSpatial.length;
    const rank = count + 2;
    const kernel = weightDims.slice(2);
    const geometry = {
      kernel,
      strides: context.ints('strides') ?? new Array(count).fill(1),
      dilations: context.ints('dilations') ?? new Array(count).fill(1),
      pads: context.ints('pads') ?? new Array(2 * count).fill(0),
    };
    const autoPad = context.string('auto_pad', 'NOTSET');
    if (autoPad === 'VALID') geometry.pads = new Array(2 * count).fill(0);
    else if (context.has('output_shape') || autoPad !== 'NOTSET') {
      // The pads onnxruntime derived from the output size: the total splits evenly, the odd one at the end
      // for SAME_UPPER and at the start otherwise.
      const outputPadding = context.ints('output_padding') ?? new Array(count).fill(0);
      for (let i = 0; i < count; i++) {
        const total = geometry.strides[i] * (xSpatial[i] - 1) + outputPadding[i] + (kernel[i] - 1) * geometry.dilations[i] + 1 - ySpatial[i];
        const half = Math.floor(total / 2);
        geometry.pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
        geometry.pads[i + count] = total - geometry.pads[i];
      }
    }
    const group = context.int('group', 1);
    const spatialAxes = [...Array(count).keys()].map((axis) => axis + 2);

    const dx = context.needs(0)
      ? emit.node('Conv', [dy, w], { kernel_shape: kernel, strides: geometry.strides, dilations: geometry.dilations, pads: geometry.pads, group })
      : undefined;
    let dw: string | undefined;
    if (context.needs(1)) {
      const padded = emit.pad(channelFirst(emit, dy, rank), [0, 0, ...geometry.pads.slice(0, count), 0, 0, ...geometry.pads.slice(count)]);
      const paddedSpatial = ySpatial.map((size, i) => size + geometry.pads[i] + geometry.pads[i + count]);
      const columns = channelFirstColumns(emit, padded, geometry, paddedSpatial, xSpatial);
      const taps = kernel.reduce((a, c) => a * c, 1);
      dw = correlateColumns(emit, columns, channelFirst(emit, x, rank), weightDims[1] * group, weightDims[0], taps, group, weightDims);
    }
    const db = b && context.needs(2) ? emit.reduceSum(dy, [0, ...spatialAxes], false) : undefined;
    return [dx, dw, db];
  },
};
