import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Pow y = a^b: da = dy·b·a^(b−1), db = dy·y·ln(a) (0 where a = 0, as in PyTorch), each reduced to its input's shape. */
export const powGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [base, exponent] = [context.input(0), context.input(1)];
    const dy = context.gradOut;
    // An integer exponent (opset 12 and later) only scales the base's gradient.
    const floatExponent = () => (context.elemType(exponent) === context.elemType(base) ? exponent : emit.node('Cast', [exponent], { to: context.elemType(base) }));
    const baseSlope = () => {
      const power = floatExponent();
      return emit.mul(power, emit.node('Pow', [base, emit.sub(power, emit.float(1))]));
    };
    const exponentSlope = () => emit.node('Where', [
      emit.node('Equal', [base, emit.float(0)]),
      emit.float(0),
      emit.mul(context.output(0), emit.node('Log', [base])),
    ]);
    return [
      context.needs(0) ? reduceToInput(context, emit.mul(dy, baseSlope()), base) : undefined,
      context.needs(1) ? reduceToInput(context, emit.mul(dy, exponentSlope()), exponent) : undefined,
    ];
  },
};
