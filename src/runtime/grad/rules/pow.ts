import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Pow y = a^b: da = dy·b·a^(b−1), db = dy·y·ln(a), each reduced to its input's shape. */
export const powGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [base, exponent] = [context.input(0), context.input(1)];
    const dy = context.gradOut;
    if (context.elemType(exponent) !== context.elemType(base)) context.fail('the exponent must have the base\'s float type');
    return [
      context.needs(0) ? reduceToInput(context, emit.mul(dy, emit.mul(exponent, emit.node('Pow', [base, emit.sub(exponent, emit.float(1))]))), base) : undefined,
      context.needs(1) ? reduceToInput(context, emit.mul(dy, emit.mul(context.output(0), emit.node('Log', [base]))), exponent) : undefined,
    ];
  },
};
