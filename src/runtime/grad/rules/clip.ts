import type { GradientRuleEntry } from './types';

/** Clip (ReLU6 and the like): dy where min ≤ x ≤ max; the bounds (inputs from opset 11) get the rest. */
export const clipGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const dy = context.gradOut;
    const zero = emit.float(0);
    const below = context.input(1) ? emit.node('Less', [x, context.input(1)]) : undefined;
    const above = context.input(2) ? emit.node('Greater', [x, context.input(2)]) : undefined;
    const outside = below && above ? emit.node('Or', [below, above]) : below ?? above;
    const dx = outside ? emit.node('Where', [outside, zero, dy]) : dy;
    // Where x is exactly on a bound the gradient goes to x, as in PyTorch.
    const boundGradient = (condition: string | undefined) => (condition ? emit.reduceSum(emit.node('Where', [condition, dy, zero]), undefined, false) : undefined);
    return [
      context.needs(0) ? dx : undefined,
      context.needs(1) ? boundGradient(below) : undefined,
      context.needs(2) ? boundGradient(above) : undefined,
    ];
  },
};
