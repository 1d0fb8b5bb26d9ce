import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Sum of any number of broadcasting inputs: dy to each, reduced to its shape. */
export const sumGradient: GradientRuleEntry = {
  backward: (context) => context.node.input.map((input, position) => (context.needs(position) ? reduceToInput(context, context.gradOut, input) : undefined)),
};
