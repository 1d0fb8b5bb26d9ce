/**
 * A histogram of values over a symmetric range [-threshold, threshold] with a fixed number of bins. When later
 * values exceed the range it doubles (merging pairs of bins), so memory stays fixed however many images stream
 * through. Min and max are kept exactly.
 */
export class SymmetricHistogram {
  readonly counts: Float64Array;
  threshold = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly bins: number) {
    if (bins % 4 !== 0) throw new Error('the bin count must be a multiple of 4');
    this.counts = new Float64Array(bins);
  }

  add(values: Float32Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!(min <= max)) return;
    this.min = Math.min(this.min, min);
    this.max = Math.max(this.max, max);
    const needed = Math.max(Math.abs(min), Math.abs(max));
    if (this.threshold === 0) this.threshold = needed > 0 ? needed : 0;
    while (needed > this.threshold) this.double();
    if (this.threshold === 0) {
      this.counts[this.bins / 2] += values.length;
      return;
    }
    const perBin = this.bins / (2 * this.threshold);
    const last = this.bins - 1;
    for (let i = 0; i < values.length; i++) {
      const bin = Math.floor((values[i] + this.threshold) * perBin);
      this.counts[bin < 0 ? 0 : bin > last ? last : bin]++;
    }
  }

  /** Edge `index` (0…bins) of the bins. */
  edge(index: number): number {
    return -this.threshold + (2 * this.threshold * index) / this.bins;
  }

  /** Doubles the range: old bin i falls into new bin ⌊(i + bins/2)/2⌋ exactly, since edges line up. */
  private double(): void {
    const old = Float64Array.from(this.counts);
    this.counts.fill(0);
    for (let i = 0; i < this.bins; i++) this.counts[Math.floor((i + this.bins / 2) / 2)] += old[i];
    this.threshold *= 2;
  }
}
