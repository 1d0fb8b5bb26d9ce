import { batchStatisticsGradients } from './batch-statistics';
import type { GradientRuleEntry } from './types';

/** InstanceNormalization: statistics per sample and channel, over the spatial axes. */
export const instanceNormalizationGradient: GradientRuleEntry = {
  backward: (context) => {
    const rank = context.rank(context.input(0));
    return batchStatisticsGradients(context, [...Array(rank - 2).keys()].map((axis) => axis + 2));
  },
};
