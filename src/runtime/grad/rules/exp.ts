import type { GradientRuleEntry } from './types';

/** Exp: dy·y. */
export const expGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.mul(context.gradOut, context.output(0))],
};
