import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** PRelu: dx = dy·(x > 0 ? 1 : slope); dslope = Σ dy·min(x, 0) over the axes the slope broadcasts along. */
export const preluGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const slope = context.input(1);
    const positive = emit.node('Greater', [x, emit.float(0)]);
    const dx = context.needs(0) ? emit.mul(context.gradOut, emit.node('Where', [positive, emit.float(1), slope])) : undefined;
    const dslope = context.needs(1)
      ? reduceToInput(context, emit.mul(context.gradOut, emit.node('Where', [positive, emit.float(0), x])), slope)
      : undefined;
    return [dx, dslope];
  },
};
