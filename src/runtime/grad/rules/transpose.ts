import { inversePermutation } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Transpose: dy transposed by the inverse permutation. */
export const transposeGradient: GradientRuleEntry = {
  backward: (context) => {
    const rank = context.rank(context.input(0));
    const perm = context.ints('perm') ?? [...Array(rank).keys()].reverse();
    return [context.emit.transpose(context.gradOut, inversePermutation(perm))];
  },
};
