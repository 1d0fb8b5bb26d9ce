import type { ScheduleName } from './types';

export interface ScheduleOptions {
  schedule: ScheduleName;
  /** The base (for one-cycle: the peak) learning rate. */
  learningRate: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** step: multiply by `gamma` every `stepSize` epochs. */
  stepSize?: number;
  gamma?: number;
  /** Linear warm-up from near zero over this many steps; the schedule proper starts after it. */
  warmupSteps?: number;
}

/** one-cycle as PyTorch's OneCycleLR defaults: start at peak/25, rise for 30% of the steps, fall to start/1e4 (cosine). */
const ONE_CYCLE = { rise: 0.3, divFactor: 25, finalDivFactor: 1e4 };

function cosineBetween(from: number, to: number, progress: number): number {
  return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress))));
}

/** The learning rate of optimizer step `step` (0-based): a pure function of the step and the options. */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const base = options.learningRate;
  const warmup = options.warmupSteps ?? 0;
  const scheduled = (() => {
    switch (options.schedule) {
      case 'constant':
        return base;
      case 'step': {
        const epoch = Math.floor(step / Math.max(1, options.stepsPerEpoch));
        return base * (options.gamma ?? 0.1) ** Math.floor(epoch / Math.max(1, options.stepSize ?? 10));
      }
      case 'cosine': {
        const span = Math.max(1, options.totalSteps - warmup);
        return cosineBetween(base, 0, (step - warmup) / span);
      }
      case 'one-cycle': {
        const initial = base / ONE_CYCLE.divFactor;
        const final = initial / ONE_CYCLE.finalDivFactor;
        const peakStep = ONE_CYCLE.rise * options.totalSteps - 1;
        if (step <= peakStep) return cosineBetween(initial, base, step / peakStep);
        return cosineBetween(base, final, (step - peakStep) / (options.totalSteps - 1 - peakStep));
      }
    }
  })();
  return step < warmup ? (scheduled * (step + 1)) / warmup : scheduled;
}
