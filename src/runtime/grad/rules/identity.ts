import type { GradientRuleEntry } from './types';

/** Identity: the gradient passes through. */
export const identityGradient: GradientRuleEntry = {
  backward: (context) => [context.gradOut],
};
