import { normalizeAxis } from '../helpers';
import type { RuleContext } from './types';

/**
 * The axes Softmax/LogSoftmax normalize over: from opset 13 the one axis (default −1); before, every axis
 * from `axis` (default 1) on, since the input was coerced to 2-D there.
 */
export function softmaxAxes(context: RuleContext): number[] {
  const rank = context.rank(context.input(0));
  if (context.opset >= 13) return [normalizeAxis(context.int('axis', -1), rank)];
  const first = normalizeAxis(context.int('axis', 1), rank);
  return [...Array(rank - first).keys()].map((offset) => first + offset);
}
