import type { SymmetricHistogram } from './histogram';

/** First index whose cumulative share reaches `share` (numpy's searchsorted, side 'left'). */
function searchCdf(cdf: Float64Array, share: number): number {
  for (let i = 0; i < cdf.length; i++) if (cdf[i] >= share) return i;
  return cdf.length - 1;
}

/**
 * The range that keeps `percentile` percent of the values: symmetric ranges cut the largest magnitudes, others
 * cut (100 − p)/2 percent from each tail, as onnxruntime's compute_percentile does.
 */
export function percentileRange(h: SymmetricHistogram, percentile: number, symmetric: boolean): { min: number; max: number } {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (symmetric) {
    // Magnitudes: fold the two halves onto [0, threshold].
    const half = h.bins / 2;
    const cdf = new Float64Array(half);
    let sum = 0;
    for (let i = 0; i < half; i++) {
      sum += h.counts[half + i] + h.counts[half - 1 - i];
      cdf[i] = sum / total;
    }
    const index = searchCdf(cdf, percentile / 100);
    const threshold = (h.threshold * (index + 1)) / half;
    return { min: -threshold, max: threshold };
  }
  const cdf = new Float64Array(h.bins);
  let sum = 0;
  for (let i = 0; i < h.bins; i++) {
    sum += h.counts[i];
    cdf[i] = sum / total;
  }
  const cut = (100 - percentile) / 200;
  return { min: h.edge(searchCdf(cdf, cut)), max: h.edge(searchCdf(cdf, 1 - cut) + 1) };
}
