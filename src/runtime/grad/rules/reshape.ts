import type { GradientRuleEntry } from './types';

/** Reshape, Flatten, Squeeze, Unsqueeze: the gradient takes back the input's shape. */
export const reshapeGradient: GradientRuleEntry = {
  backward: (context) => [context.emit.reshapeLike(context.gradOut, context.input(0))],
};
