import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Sub: dy and −dy, reduced to each input's shape. */
export const subGradient: GradientRuleEntry = {
  backward: (context) => [
    context.needs(0) ? reduceToInput(context, context.gradOut, context.input(0)) : undefined,
    context.needs(1) ? reduceToInput(context, context.emit.neg(context.gradOut), context.input(1)) : undefined,
  ],
};
