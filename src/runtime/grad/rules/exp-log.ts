import type { GradientRuleEntry } from './types';

/** Exp: dy·y. */
export const expGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.mul(context.gradOut, context.output(0))],
};

/** Log: dy / x. */
export const logGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.div(context.gradOut, context.input(0))],
};

/** Sqrt: dy / (2y). */
export const sqrtGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.div(context.gradOut, context.emit.mul(context.output(0), context.emit.float(2)))],
};
