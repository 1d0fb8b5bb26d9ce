import type { RuleContext } from './types';

/**
 * Gradients of y = scale·x̂ + B where x̂ = (x − μ)/σ uses statistics of x itself over `statisticAxes`
 * (InstanceNormalization; BatchNormalization in training mode): dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ with
 * dx̂ = scale·dy; the per-channel scale and bias gradients sum over every axis but the channel axis.
 */
export function batchStatisticsGradients(context: RuleContext, statisticAxes: number[]): (string | undefined)[] {
  const emit = context.emit;
  const [x, scale] = [context.input(0), context.input(1)];
  const dy = context.gradOut;
  const rank = context.rank(x);
  const perChannel = (tensor: string) => emit.unsqueeze(tensor, [...Array(rank - 2).keys()].map((axis) => axis + 1));
  const centered = emit.sub(x, emit.reduceMean(x, statisticAxes, true));
  const variance = emit.reduceMean(emit.mul(centered, centered), statisticAxes, true);
  const inverseStd = emit.div(emit.float(1), emit.node('Sqrt', [emit.add(variance, emit.float(context.float('epsilon', 1e-5)))]));
  const normalized = emit.mul(centered, inverseStd);
  const sumAxes = [0, ...[...Array(rank - 2).keys()].map((axis) => axis + 2)];
  let dx: string | undefined;
  if (context.needs(0)) {
    const dnormalized = emit.mul(dy, perChannel(scale));
    const meanGradient = emit.reduceMean(dnormalized, statisticAxes, true);
    const projection = emit.mul(normalized, emit.reduceMean(emit.mul(dnormalized, normalized), statisticAxes, true));
    dx = emit.mul(emit.sub(emit.sub(dnormalized, meanGradient), projection), inverseStd);
  }
  return [
    dx,
    context.needs(1) ? emit.reduceSum(emit.mul(dy, normalized), sumAxes, false) : undefined,
    context.needs(2) ? emit.reduceSum(dy, sumAxes, false) : undefined,
  ];
}
