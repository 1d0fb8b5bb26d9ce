import { convTransposeToSize, spatialDims, windowGeometry } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * AveragePool: dy divided by each window's divisor (onnxruntime's rule: windows clipped to the padded input,
 * padding counted only with count_include_pad), spread back over the window by a ConvTranspose with a kernel of ones.
 */
export const averagePoolGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const kernel = context.ints('kernel_shape') ?? context.fail('kernel_shape is missing');
    const xSpatial = spatialDims(context, x);
    const ySpatial = spatialDims(context, context.output(0));
    const geometry = windowGeometry(context, xSpatial, kernel);
    if (geometry.dilations.some((d) => d !== 1)) context.fail('dilations are not supported');
    const includePad = context.int('count_include_pad', 0) === 1;
    const count = kernel.length;
    const perAxis = kernel.map((k, axis) => Array.from({ length: ySpatial[axis] }, (_, o) => {
      const start = o * geometry.strides[axis] - geometry.pads[axis];
      const end = Math.min(start + k, xSpatial[axis] + geometry.pads[axis + count]);
      return includePad ? end - start : Math.min(end, xSpatial[axis]) - Math.max(start, 0);
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
