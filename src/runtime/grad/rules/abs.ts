import type { GradientRuleEntry } from './types';

/** Abs: dy·sign(x). */
export const absGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.mul(context.gradOut, context.emit.node('Sign', [context.input(0)]))],
};
