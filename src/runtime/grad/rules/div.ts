import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Div: da = dy / b, db = −dy·y / b, reduced to each input's shape. */
export const divGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [a, b] = [context.input(0), context.input(1)];
    const quotient = emit.div(context.gradOut, b);
    return [
      context.needs(0) ? reduceToInput(context, quotient, a) : undefined,
      context.needs(1) ? reduceToInput(context, emit.neg(emit.mul(quotient, context.output(0))), b) : undefined,
    ];
  },
};
