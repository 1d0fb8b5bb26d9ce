/** How close a quantized model's outputs stay to the float model's on the same inputs. */

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine of vectors of ${a.length} and ${b.length} values`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  if (normA === 0 && normB === 0) return 1;
  return dot / Math.sqrt(normA * normB);
}

/** Accumulates output agreement over images: top-1 agreement, mean cosine and SQNR (signal over the difference, in dB). */
export class AgreementTally {
  private images = 0;
  private sameTop1 = 0;
  private cosineSum = 0;
  private signal = 0;
  private noise = 0;

  add(reference: ArrayLike<number>, candidate: ArrayLike<number>): void {
    this.images++;
    if (argmax(reference) === argmax(candidate)) this.sameTop1++;
    this.cosineSum += cosineSimilarity(reference, candidate);
    for (let i = 0; i < reference.length; i++) {
      this.signal += reference[i] * reference[i];
      this.noise += (reference[i] - candidate[i]) ** 2;
    }
  }

  result(): { images: number; top1Agreement: number; meanCosine: number; sqnrDb: number } {
    return {
      images: this.images,
      top1Agreement: this.images ? this.sameTop1 / this.images : 0,
      meanCosine: this.images ? this.cosineSum / this.images : 0,
      sqnrDb: sqnrDb(this.signal, this.noise),
    };
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Signal-to-quantization-noise ratio in dB (infinite when the two agree exactly). */
export function sqnrDb(signal: number, noise: number): number {
  if (noise === 0) return signal === 0 ? 0 : Infinity;
  return 10 * Math.log10(signal / noise);
}
