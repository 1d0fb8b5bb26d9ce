import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Expand: dy summed over the broadcast axes. */
export const expandGradient: GradientRuleEntry = {
  backward: (context) => [reduceToInput(context, context.gradOut, context.input(0))],
};
