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

export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

/**
 * The model metadata entry (ONNX metadata_props, tfjs userDefinedMetadata) of a multi-label classifier trained with
 * binary cross-entropy: its outputs are independent per-class logits, read through a sigmoid each rather than a softmax.
 */
export const MULTI_LABEL_METADATA = { key: 'cnnStudio.outputActivation', value: 'sigmoid' } as const;

export function isMultiLabelModel(metadata: Record<string, string>): boolean {
  return metadata[MULTI_LABEL_METADATA.key] === MULTI_LABEL_METADATA.value;
}

/** A class score as a probability: the class's sigmoid for a multi-label model, else its softmax share (or the value of an output that already is a distribution). */
export function classProbabilities(scores: ArrayLike<number>, multiLabel: boolean): { probabilities: Float64Array; activation: 'softmax' | 'sigmoid' | 'none' } {
  if (multiLabel) return { probabilities: Float64Array.from(scores as ArrayLike<number>, sigmoid), activation: 'sigmoid' };
  if (isDistribution(scores)) return { probabilities: Float64Array.from(scores as ArrayLike<number>), activation: 'none' };
  return { probabilities: softmax(scores), activation: 'softmax' };
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
  /** Whether softmax was applied (false when the output already was a distribution, or for a multi-label model). */
  softmaxApplied: boolean;
  /** A multi-label model: each probability is its class's own sigmoid (they need not sum to 1). */
  multiLabel: boolean;
  classCount: number;
}

export function classify(scores: ArrayLike<number>, topK: number, labels?: readonly string[], multiLabel = false): Classification {
  const { probabilities, activation } = classProbabilities(scores, multiLabel);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  const top = order.slice(0, Math.max(1, topK)).map((index) => ({
    index,
    label: labels?.[index] ?? null,
    probability: probabilities[index],
    score: scores[index],
  }));
  return { top, softmaxApplied: activation === 'softmax', multiLabel, classCount: scores.length };
}
