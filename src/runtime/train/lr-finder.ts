import type { StepEngine } from './types';

export interface LearningRateFinderOptions {
  minLearningRate?: number;
  maxLearningRate?: number;
  steps?: number;
  /** Stop when the smoothed loss exceeds this multiple of the best one. */
  divergence?: number;
  /** Weight of the past in the loss's exponential moving average. */
  smoothing?: number;
}

export interface LearningRateCurve {
  points: { learningRate: number; loss: number; smoothedLoss: number }[];
  /** The rate where the smoothed loss falls fastest (per unit of log rate), before it diverges. */
  suggested: number;
  diverged: boolean;
}

/**
 * The learning-rate range test: one training step per rate, the rate rising exponentially from min to max, the loss
 * smoothed, stopped at divergence. The engine's weights and optimizer state are restored afterwards.
 */
export async function findLearningRate(
  engine: StepEngine,
  nextBatch: (step: number) => Promise<{ batch: Float32Array; dims: number[]; labels: Int32Array | Float32Array }>,
  options: LearningRateFinderOptions = {},
): Promise<LearningRateCurve> {
  const min = options.minLearningRate ?? 1e-7;
  const max = options.maxLearningRate ?? 10;
  const steps = options.steps ?? 100;
  const divergence = options.divergence ?? 4;
  const beta = options.smoothing ?? 0.98;
  if (!(min > 0 && max > min && steps >= 3)) throw new Error('the learning-rate finder needs 0 < min < max and at least 3 steps');
  const saved = await engine.state();
  const points: LearningRateCurve['points'] = [];
  let average = 0;
  let best = Infinity;
  let diverged = false;
  try {
    for (let step = 0; step < steps; step++) {
      const learningRate = min * (max / min) ** (step / (steps - 1));
      const { batch, dims, labels } = await nextBatch(step);
      const { loss } = await engine.trainStep(batch, dims, labels, learningRate);
      average = beta * average + (1 - beta) * loss;
      const smoothedLoss = average / (1 - beta ** (step + 1));
      points.push({ learningRate, loss, smoothedLoss });
      if (!Number.isFinite(smoothedLoss) || smoothedLoss > divergence * best) {
        diverged = true;
        break;
      }
      best = Math.min(best, smoothedLoss);
    }
  } finally {
    await engine.load(saved);
  }
  return { points, suggested: steepestDescent(points), diverged };
}

/** The rate at the most negative slope of smoothed loss against log rate, up to the lowest loss. */
export function steepestDescent(points: { learningRate: number; smoothedLoss: number }[]): number {
  const finite = points.filter((point) => Number.isFinite(point.smoothedLoss));
  if (finite.length < 2) return finite[0]?.learningRate ?? Number.NaN;
  let lowest = 0;
  finite.forEach((point, index) => { if (point.smoothedLoss < finite[lowest].smoothedLoss) lowest = index; });
  let steepest = 0;
  let slope = Infinity;
  for (let i = 1; i <= Math.max(1, lowest); i++) {
    const here = (finite[i].smoothedLoss - finite[i - 1].smoothedLoss) / Math.log(finite[i].learningRate / finite[i - 1].learningRate);
    if (here < slope) {
      slope = here;
      steepest = i;
    }
  }
  return finite[steepest].learningRate;
}
