/** True when the values already form a probability distribution (each in [0, 1], summing to 1). */
export function isDistribution(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!(value >= 0 && value <= 1)) return false;
    sum += value;
  }
  return Math.abs(sum - 1) <= 1e-2;
}

export function softmax(values: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += out[i] = Math.exp(values[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export interface ClassScore {
  index: number;
  label: string | null;
  probability: number;
  /** The raw output value (logit, or the probability itself when the model outputs a distribution). */
  score: number;
}

export interface Classification {
  top: ClassScore[];
  /** Whether softmax was applied (false when the output already was a distribution). */
  softmaxApplied: boolean;
  classCount: number;
}

export function classify(scores: ArrayLike<number>, topK: number, labels?: readonly string[]): Classification {
  const softmaxApplied = !isDistribution(scores);
  const probabilities = softmaxApplied ? softmax(scores) : Float64Array.from(scores as ArrayLike<number>);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  const top = order.slice(0, Math.max(1, topK)).map((index) => ({
    index,
    label: labels?.[index] ?? null,
    probability: probabilities[index],
    score: scores[index],
  }));
  return { top, softmaxApplied, classCount: scores.length };
}
