import { convTransposeToSize, spatialDims, windowGeometry } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * AveragePool: dy divided by each window's divisor (onnxruntime's rule: taps inside the padded input, padding
 * counted only with count_include_pad), spread back over the window by a ConvTranspose with a kernel of ones.
 */
export const averagePoolGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const kernel = context.ints('kernel_shape') ?? context.fail('kernel_shape is missing');
    const xSpatial = spatialDims(context, x);
    const ySpatial = spatialDims(context, context.output(0));
    const geometry = windowGeometry(context, xSpatial, kernel);
    const includePad = context.int('count_include_pad', 0) === 1;
    const count = kernel.length;
    // Per axis and output position: the window taps inside the padded input (count_include_pad) or inside the input.
    const perAxis = kernel.map((k, axis) => Array.from({ length: ySpatial[axis] }, (_, o) => {
      const start = o * geometry.strides[axis] - geometry.pads[axis];
      const [low, high] = includePad ? [-geometry.pads[axis], xSpatial[axis] + geometry.pads[axis + count]] : [0, xSpatial[axis]];
      let taps = 0;
      for (let t = 0; t < k; t++) {
        const position = start + t * geometry.dilations[axis];
        if (position >= low && position < high) taps++;
      }
      return taps;
    }));
    const inverse: number[] = [];
    const visit = (axis: number, product: number) => {
      if (axis === count) { inverse.push(1 / product); return; }
      for (const size of perAxis[axis]) visit(axis + 1, product * size);
    };
    visit(0, 1);
    const scaled = emit.mul(context.gradOut, emit.float(inverse, ySpatial));
    const ones = emit.constant(emit.floatType, [1, 1, ...kernel], new Array(kernel.reduce((a, b) => a * b, 1)).fill(1));
    const spread = convTransposeToSize(emit, emit.reshape(scaled, [-1, 1, ...ySpatial]), ones, geometry, ySpatial, xSpatial, 1);
    return [emit.reshapeLike(spread, x)];
  },
};
