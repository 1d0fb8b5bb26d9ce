import { batchStatisticsGradients } from './batch-statistics';
import type { GradientRuleEntry, RuleContext } from './types';

/**
 * Training mode: Y normalizes with the batch's statistics; the running statistics outputs are
 * momentum·input + (1 − momentum)·batch statistic (the variance being the biased one).
 */
function trainingGradients(context: RuleContext): (string | undefined)[] {
  const emit = context.emit;
  const x = context.input(0);
  const rank = context.rank(x);
  const spatialAxes = [...Array(rank - 2).keys()].map((axis) => axis + 2);
  const statisticAxes = [0, ...spatialAxes];
  const momentum = context.float('momentum', 0.9);
  const perChannel = (tensor: string) => emit.unsqueeze(tensor, spatialAxes.map((axis) => axis - 1));
  const [fromOutput, dscale, dbias] = context.dy(0) ? batchStatisticsGradients(context, statisticAxes) : [];
  const [runningMean, runningVariance] = [context.dy(1), context.dy(2)];
  const count = () => emit.div(emit.sizeOf(x), emit.sizeOf(context.input(1)));
  const parts = fromOutput ? [fromOutput] : [];
  if (runningMean) parts.push(emit.div(emit.node('Expand', [perChannel(emit.mul(runningMean, emit.float(1 - momentum))), emit.shapeOf(x)]), count()));
  if (runningVariance) {
    const centered = emit.sub(x, emit.reduceMean(x, statisticAxes, true));
    parts.push(emit.mul(centered, perChannel(emit.div(emit.mul(runningVariance, emit.float(2 * (1 - momentum))), count()))));
  }
  const dx = parts.length > 1 ? emit.node('Sum', parts) : parts[0];
  return [
    context.needs(0) ? dx : undefined,
    dscale,
    dbias,
    runningMean && context.needs(3) ? emit.mul(runningMean, emit.float(momentum)) : undefined,
    runningVariance && context.needs(4) ? emit.mul(runningVariance, emit.float(momentum)) : undefined,
  ];
}

/**
 * BatchNormalization, y = scale·(x − mean)/√(var + ε) + B with per-channel parameters broadcast along axis 1.
 * Inference form: mean and var are inputs. Training mode (training_mode = 1 from opset 14, extra outputs before)
 * normalizes with the batch's own statistics.
 */
export const batchNormalizationGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const training = context.opset >= 14 ? context.int('training_mode', 0) !== 0 : context.node.output.slice(1).some((output) => output);
    if (training) return trainingGradients(context);
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
