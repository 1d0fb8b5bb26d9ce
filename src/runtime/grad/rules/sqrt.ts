import type { GradientRuleEntry } from './types';

/** Sqrt: dy / (2y). */
export const sqrtGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.div(context.gradOut, context.emit.mul(context.output(0), context.emit.float(2)))],
};
