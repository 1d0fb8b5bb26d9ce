import { normalizeAxis, quantizationParameter } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * DequantizeLinear, y = (q − zero_point)·scale: dq = dy·scale (per-axis scales broadcast along `axis`). q is an
 * integer tensor; its gradient only means something to the QuantizeLinear that produced it, whose straight-through
 * rule divides the scale out again, so a Q→DQ pair passes dy through inside the clipping range. The scale gets
 * Σ dy·(q − zero_point) over every axis but the quantization axis.
 */
export const dequantizeLinearGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [q, scale, zeroPoint] = [context.input(0), context.input(1), context.input(2)];
    const dq = context.needs(0) ? emit.mul(context.gradOut, quantizationParameter(context, scale)) : undefined;
    let dscale: string | undefined;
    if (context.needs(1)) {
      let levels = emit.node('Cast', [q], { to: emit.floatType });
      if (zeroPoint) levels = emit.sub(levels, emit.node('Cast', [quantizationParameter(context, zeroPoint)], { to: emit.floatType }));
      const product = emit.mul(context.gradOut, levels);
      const scaleDims = context.shape(scale);
      if (scaleDims && scaleDims.length === 1 && scaleDims[0] > 1) {
        const rank = context.rank(q);
        const axis = normalizeAxis(context.int('axis', 1), rank);
        dscale = emit.reduceSum(product, Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), false);
      } else {
        dscale = emit.reshapeLike(emit.reduceSum(product, undefined, false), scale);
      }
    }
    return [dq, dscale];
  },
};
