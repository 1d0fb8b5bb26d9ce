import { batchStatisticsGradients } from './batch-statistics';
import type { GradientRuleEntry } from './types';

/**
 * BatchNormalization, y = scale·(x − mean)/√(var + ε) + B with per-channel parameters broadcast along axis 1.
 * Inference form: mean and var are inputs. Training mode (training_mode = 1 from opset 14, extra outputs before)
 * normalizes with the batch's own statistics; its running-statistics outputs cannot carry a gradient.
 */
export const batchNormalizationGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const training = context.opset >= 14 ? context.int('training_mode', 0) !== 0 : context.node.output.slice(1).some((output) => output);
    if (context.node.output.slice(1).some((_, i) => context.dy(i + 1))) context.fail('the running statistics outputs do not carry gradients');
    if (training) {
      const rank = context.rank(context.input(0));
      return batchStatisticsGradients(context, [0, ...[...Array(rank - 2).keys()].map((axis) => axis + 2)]);
    }
    const [x, scale, , mean, variance] = [0, 1, 2, 3, 4].map((i) => context.input(i));
    const dy = context.gradOut;
    const rank = context.rank(x);
    const perChannel = (tensor: string) => emit.unsqueeze(tensor, [...Array(rank - 2).keys()].map((axis) => axis + 1));
    const sumAxes = [0, ...[...Array(rank - 2).keys()].map((axis) => axis + 2)];
    const inverseStd = emit.div(emit.float(1), emit.node('Sqrt', [emit.add(variance, emit.float(context.float('epsilon', 1e-5)))]));
    const gain = emit.mul(scale, inverseStd);
    const centered = () => emit.sub(x, perChannel(mean));
    const biasGradient = () => emit.reduceSum(dy, sumAxes, false);
    const dcentered = context.needs(1) || context.needs(4) ? emit.reduceSum(emit.mul(dy, centered()), sumAxes, false) : undefined;
    return [
      context.needs(0) ? emit.mul(dy, perChannel(gain)) : undefined,
      context.needs(1) ? emit.mul(dcentered!, inverseStd) : undefined,
      context.needs(2) ? biasGradient() : undefined,
      context.needs(3) ? emit.neg(emit.mul(biasGradient(), gain)) : undefined,
      context.needs(4) ? emit.mul(emit.mul(dcentered!, gain), emit.mul(emit.mul(inverseStd, inverseStd), emit.float(-0.5))) : undefined,
    ];
  },
};
