import type { GradientRuleEntry, RuleContext } from './types';

/** Source coordinate of output position `o` on one axis, per coordinate_transformation_mode. */
function sourceCoordinate(context: RuleContext, mode: string, o: number, inSize: number, outSize: number, scale: number, roi: [number, number]): number {
  switch (mode) {
    case 'tf_crop_and_resize': {
      const [start, end] = roi;
      return outSize > 1 ? start * (inSize - 1) + (o * (end - start) * (inSize - 1)) / (outSize - 1) : 0.5 * (start + end) * (inSize - 1);
    }
    case 'half_pixel': return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'asymmetric': return o / scale;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / scale;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      return (inSize / 2) * (1 - adjustment) + (o + 0.5) / scale - 0.5;
    }
    default: return context.fail(`coordinate_transformation_mode ${mode} is not supported`);
  }
}

function nearestIndex(context: RuleContext, mode: string, coordinate: number): number {
  switch (mode) {
    case 'round_prefer_floor': return coordinate === Math.floor(coordinate) + 0.5 ? Math.floor(coordinate) : Math.round(coordinate);
    case 'round_prefer_ceil': return Math.round(coordinate);
    case 'floor': return Math.floor(coordinate);
    case 'ceil': return Math.ceil(coordinate);
    default: return context.fail(`nearest_mode ${mode} is not supported`);
  }
}

/** Keys' cubic convolution weights of the taps at offsets −1, 0, 1, 2 from floor(coordinate). */
function cubicWeights(a: number, fraction: number): number[] {
  const near = (t: number) => ((a + 2) * t - (a + 3)) * t * t + 1;
  const far = (t: number) => ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return [far(fraction + 1), near(fraction), near(1 - fraction), far(2 - fraction)];
}

/** One output row of cubic interpolation: taps clamped to the edge, or dropped and renormalized with exclude_outside. */
function addCubicRow(context: RuleContext, matrix: number[], o: number, inSize: number, coordinate: number): void {
  const base = Math.floor(coordinate);
  const weights = cubicWeights(context.float('cubic_coeff_a', -0.75), coordinate - base);
  const excludeOutside = context.int('exclude_outside', 0) === 1;
  const taps = weights.map((weight, k) => ({ index: base - 1 + k, weight }));
  const inside = taps.filter((tap) => tap.index >= 0 && tap.index < inSize);
  const total = inside.reduce((sum, tap) => sum + tap.weight, 0);
  for (const tap of excludeOutside ? inside : taps) {
    const index = Math.min(Math.max(tap.index, 0), inSize - 1);
    matrix[o * inSize + index] += excludeOutside ? tap.weight / total : tap.weight;
  }
}

/** The [out, in] interpolation matrix of one axis. */
function axisMatrix(context: RuleContext, inSize: number, outSize: number, scale: number, roi: [number, number]): number[] {
  const mode = context.string('mode', 'nearest');
  const transform = context.string('coordinate_transformation_mode', 'half_pixel');
  const matrix = new Array<number>(outSize * inSize).fill(0);
  for (let o = 0; o < outSize; o++) {
    const coordinate = sourceCoordinate(context, transform, o, inSize, outSize, scale, roi);
    // Crops reaching outside the input take extrapolation_value there, a constant.
    if (transform === 'tf_crop_and_resize' && (coordinate < 0 || coordinate > inSize - 1)) continue;
    if (mode === 'cubic') addCubicRow(context, matrix, o, inSize, coordinate);
    else if (mode === 'nearest') {
      const index = Math.min(Math.max(nearestIndex(context, context.string('nearest_mode', 'round_prefer_floor'), coordinate), 0), inSize - 1);
      matrix[o * inSize + index] = 1;
    } else {
      const clamped = Math.min(Math.max(coordinate, 0), inSize - 1);
      const low = Math.floor(clamped);
      const high = Math.min(low + 1, inSize - 1);
      const fraction = clamped - low;
      matrix[o * inSize + low] += 1 - fraction;
      matrix[o * inSize + high] += fraction;
    }
  }
  return matrix;
}

/**
 * Resize (opset 11 form; Upsample is rewritten to it) in nearest, linear or cubic mode over the last two axes: each
 * resized axis is a fixed linear map, so dx applies its interpolation matrix transposed.
 */
export const resizeGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const mode = context.string('mode', 'nearest');
    if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') context.fail(`mode ${mode} is not supported`);
    if (context.int('antialias', 0) !== 0) context.fail('antialias is not supported');
    const x = context.input(0);
    const inShape = context.staticShape(x);
    const outShape = context.staticShape(context.output(0));
    const rank = inShape.length;
    const axes = (context.ints('axes') ?? [...Array(rank).keys()]).map((axis) => (axis < 0 ? axis + rank : axis));
    const given = context.input(2) ? context.constantValues(context.input(2)) : undefined;
    const sizes = context.input(3) ? context.constantValues(context.input(3)) : undefined;
    const roiValues = context.input(1) ? context.constantValues(context.input(1)) : undefined;
    const rois = inShape.map((): [number, number] => [0, 1]);
    if (roiValues && roiValues.length === 2 * axes.length) axes.forEach((axis, i) => { rois[axis] = [roiValues[i], roiValues[i + axes.length]]; });
    const scales = outShape.map((size, axis) => size / inShape[axis]);
    if (given && given.length > 0) axes.forEach((axis, i) => { scales[axis] = given[i]; });
    else if (sizes) {
      const policy = context.string('keep_aspect_ratio_policy', 'stretch');
      if (policy !== 'stretch') {
        const ratios = axes.map((axis, i) => sizes[i] / inShape[axis]);
        const kept = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
        for (const axis of axes) scales[axis] = kept;
      }
    }
    let gradient = context.gradOut;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const matrix = axisMatrix(context, inShape[axis], outShape[axis], scales[axis], rois[axis]);
      const identity = inShape[axis] === outShape[axis] && matrix.every((value, i) => value === (Math.floor(i / inShape[axis]) === i % inShape[axis] ? 1 : 0));
      if (identity) continue;
      if (axis === rank - 1) gradient = emit.node('MatMul', [gradient, emit.float(matrix, [outShape[axis], inShape[axis]])]);
      else if (axis === rank - 2) {
        const transposed = Array.from({ length: matrix.length }, (_, i) => matrix[(i % outShape[axis]) * inShape[axis] + Math.floor(i / outShape[axis])]);
        gradient = emit.node('MatMul', [emit.float(transposed, [inShape[axis], outShape[axis]]), gradient]);
      } else context.fail(`resizing axis ${axis} is not supported (only the last two axes)`);
    }
    return [gradient];
  },
};
