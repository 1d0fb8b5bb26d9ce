import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Add: dy to both inputs, summed over the axes each input was broadcast along. */
export const addGradient: GradientRuleEntry = {
  backward: (context) => [
    context.needs(0) ? reduceToInput(context, context.gradOut, context.input(0)) : undefined,
    context.needs(1) ? reduceToInput(context, context.gradOut, context.input(1)) : undefined,
  ],
};
