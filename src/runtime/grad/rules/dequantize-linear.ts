import { quantizationParameter } from '../helpers';
import type { GradientRuleEntry } from './types';

/**
 * DequantizeLinear, y = (q − zero_point)·scale: dq = dy·scale (per-axis scales broadcast along `axis`). q is an
 * integer tensor; its gradient only means something to the QuantizeLinear that produced it, whose straight-through
 * rule divides the scale out again, so a Q→DQ pair passes dy through inside the clipping range.
 */
export const dequantizeLinearGradient: GradientRuleEntry = {
  backward: (context) => {
    if (!context.needs(0)) return [undefined];
    return [context.emit.mul(context.gradOut, quantizationParameter(context, context.input(1)))];
  },
};
