import { normalizeAxis } from '../helpers';
import type { GradientRule, GradientRuleEntry, RuleContext } from './types';

/** The reduced axes, or undefined for the identity (noop_with_empty_axes with no axes). */
function reducedAxes(context: RuleContext, axesInputSince: number): number[] | undefined {
  const rank = context.rank(context.input(0));
  const axes = context.opset >= axesInputSince
    ? (context.input(1) ? context.requireConstant(context.input(1), 'axes') : undefined)
    : context.ints('axes');
  if (!axes || axes.length === 0) return context.int('noop_with_empty_axes', 0) ? undefined : [...Array(rank).keys()];
  return axes.map((axis) => normalizeAxis(axis, rank)).sort((a, b) => a - b);
}

function reduceGradient(axesInputSince: number, mean: boolean): GradientRule {
  return (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const axes = reducedAxes(context, axesInputSince);
    if (!axes) return [context.gradOut];
    const kept = context.int('keepdims', 1) ? context.gradOut : emit.unsqueeze(context.gradOut, axes);
    const spread = emit.node('Expand', [kept, emit.shapeOf(x)]);
    return [mean ? emit.div(spread, emit.div(emit.sizeOf(x), emit.sizeOf(context.output(0)))) : spread];
  };
}

/** ReduceSum: dy broadcast back over the reduced axes. */
export const reduceSumGradient: GradientRuleEntry = { backward: reduceGradient(13, false) };

/** ReduceMean: dy broadcast back over the reduced axes, divided by their size. */
export const reduceMeanGradient: GradientRuleEntry = { backward: reduceGradient(18, true) };
