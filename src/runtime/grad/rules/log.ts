import type { GradientRuleEntry } from './types';

/** Log: dy / x. */
export const logGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.div(context.gradOut, context.input(0))],
};
