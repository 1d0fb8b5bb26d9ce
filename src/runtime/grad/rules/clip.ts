import type { GradientRuleEntry } from './types';

/** Clip (ReLU6 and the like): dy where min ≤ x ≤ max; the bounds (inputs from opset 11) get the rest. */
export const clipGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const dy = context.gradOut;
    const zero = emit.float(0);
    const [low, high] = [context.input(1), context.input(2)];
    // Clip is min(max(x, low), high): when low > high, high wins everywhere.
    const below = low ? emit.node('Less', [x, low]) : undefined;
    const raised = low ? emit.node('Max', [x, low]) : x;
    const above = high ? emit.node('Greater', [raised, high]) : undefined;
    const outside = below && above ? emit.node('Or', [below, above]) : below ?? above;
    const dx = outside ? emit.node('Where', [outside, zero, dy]) : dy;
    const lowWins = below && above ? emit.node('And', [below, emit.node('Not', [above])]) : below;
    // Where x is exactly on a bound the gradient goes to x, as in PyTorch.
    const boundGradient = (condition: string | undefined) => (condition ? emit.reduceSum(emit.node('Where', [condition, dy, zero]), undefined, false) : undefined);
    return [
      context.needs(0) ? dx : undefined,
      context.needs(1) ? boundGradient(lowWins) : undefined,
      context.needs(2) ? boundGradient(above) : undefined,
    ];
  },
};
