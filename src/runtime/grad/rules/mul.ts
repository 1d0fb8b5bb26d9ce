import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Mul: da = dy·b, db = dy·a, reduced to each input's shape. */
export const mulGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [a, b] = [context.input(0), context.input(1)];
    return [
      context.needs(0) ? reduceToInput(context, emit.mul(context.gradOut, b), a) : undefined,
      context.needs(1) ? reduceToInput(context, emit.mul(context.gradOut, a), b) : undefined,
    ];
  },
};
