import type { SymmetricHistogram } from './histogram';

/** onnxruntime's smooth_distribution: moves eps of mass onto empty bins so that KL stays finite. */
function smooth(p: Float64Array, eps = 0.0001): Float64Array | undefined {
  let zeros = 0;
  for (const v of p) if (v === 0) zeros++;
  const nonZeros = p.length - zeros;
  if (nonZeros === 0) return undefined;
  const eps1 = (eps * zeros) / nonZeros;
  return Float64Array.from(p, (v) => (v === 0 ? eps : v - eps1));
}

/** scipy.stats.entropy(p, q): KL divergence of the normalised distributions. */
function klDivergence(p: Float64Array, q: Float64Array): number {
  let sumP = 0;
  let sumQ = 0;
  for (let i = 0; i < p.length; i++) { sumP += p[i]; sumQ += q[i]; }
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sumP;
    if (pi > 0) kl += pi * Math.log(pi / (q[i] / sumQ));
  }
  return kl;
}

/**
 * The symmetric threshold whose 128-level quantization loses the least information (KL divergence between the
 * clipped histogram and its quantized version), searched as onnxruntime's get_entropy_threshold does.
 */
export function klThreshold(h: SymmetricHistogram, quantizedBins: number): { min: number; max: number } {
  const hist = h.counts;
  const bins = hist.length;
  const zero = Math.floor(bins / 2);
  const halfQuantized = Math.floor(quantizedBins / 2);
  let best = { kl: Infinity, min: h.edge(0), max: h.edge(bins) };
  for (let i = halfQuantized; i <= zero; i++) {
    const start = zero - i;
    const end = Math.min(zero + i + 1, bins);
    const sliced = hist.slice(start, end);
    const p = Float64Array.from(sliced);
    let left = 0;
    let right = 0;
    for (let k = 0; k < start; k++) left += hist[k];
    for (let k = end; k < bins; k++) right += hist[k];
    p[0] += left;
    p[p.length - 1] += right;
    const merged = Math.floor(sliced.length / quantizedBins);
    const quantized = new Float64Array(quantizedBins);
    for (let index = 0; index < quantizedBins; index++) {
      for (let k = index * merged; k < (index + 1) * merged; k++) quantized[index] += sliced[k];
    }
    for (let k = quantizedBins * merged; k < sliced.length; k++) quantized[quantizedBins - 1] += sliced[k];
    const q = new Float64Array(p.length);
    for (let index = 0; index < quantizedBins; index++) {
      const from = index * merged;
      const to = index === quantizedBins - 1 ? p.length : from + merged;
      let nonZero = 0;
      for (let k = from; k < to; k++) if (p[k] !== 0) nonZero++;
      if (nonZero === 0) continue;
      for (let k = from; k < to; k++) q[k] = p[k] !== 0 ? quantized[index] / nonZero : 0;
    }
    const ps = smooth(p);
    const qs = smooth(q);
    const kl = ps && qs ? klDivergence(ps, qs) : Infinity;
    if (kl < best.kl) best = { kl, min: h.edge(start), max: h.edge(end) };
  }
  return { min: best.min, max: best.max };
}
