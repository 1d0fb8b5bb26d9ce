import type { CalibrationMethod } from '../types';
import { klThreshold } from './entropy';
import { SymmetricHistogram } from './histogram';
import { percentileRange } from './percentile';

/** Gathers the values one tensor takes over the calibration images and turns them into a quantization range. */
export interface RangeCollector {
  add(values: Float32Array): void;
  range(): { min: number; max: number };
}

export interface CollectorOptions {
  percentile: number;
  symmetric: boolean;
}

class MinMaxCollector implements RangeCollector {
  private min = Infinity;
  private max = -Infinity;

  add(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }

  range() {
    return Number.isFinite(this.min) ? { min: this.min, max: this.max } : { min: 0, max: 0 };
  }
}

/** Percentile: 2,048 bins, as onnxruntime's HistogramCalibrater. */
export const PERCENTILE_BINS = 2048;
/**
 * Entropy: the KL search of onnxruntime's get_entropy_threshold with its 128 quantized bins, over a 2,048-bin
 * histogram (onnxruntime's default of 128 histogram bins leaves a single candidate, the full range).
 */
export const ENTROPY_BINS = 2048;
export const ENTROPY_QUANTIZED_BINS = 128;

class HistogramCollector implements RangeCollector {
  private readonly histogram: SymmetricHistogram;

  constructor(bins: number, private readonly choose: (histogram: SymmetricHistogram) => { min: number; max: number }) {
    this.histogram = new SymmetricHistogram(bins);
  }

  add(values: Float32Array): void {
    this.histogram.add(values);
  }

  range() {
    const h = this.histogram;
    if (!Number.isFinite(h.min)) return { min: 0, max: 0 };
    if (h.threshold === 0) return { min: h.min, max: h.max };
    const chosen = this.choose(h);
    // Never wider than what was seen.
    return { min: Math.max(chosen.min, h.min), max: Math.min(chosen.max, h.max) };
  }
}

/** Calibration methods by name. */
export const collectors: Record<CalibrationMethod, (options: CollectorOptions) => RangeCollector> = {
  minmax: () => new MinMaxCollector(),
  percentile: (options) => new HistogramCollector(PERCENTILE_BINS, (h) => percentileRange(h, options.percentile, options.symmetric)),
  entropy: () => new HistogramCollector(ENTROPY_BINS, (h) => klThreshold(h, ENTROPY_QUANTIZED_BINS)),
};
