import type { GradientRuleEntry } from './types';

/** Neg: −dy. */
export const negGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.neg(context.gradOut)],
};
