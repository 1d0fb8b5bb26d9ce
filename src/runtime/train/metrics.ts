import type { ClassReport } from './types';

/** Softmax cross-entropy of one row of logits against its class, computed stably (log-sum-exp). */
export function crossEntropy(logits: Float32Array, row: number, classes: number, label: number): number {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, logits[row * classes + k]);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(logits[row * classes + k] - max);
  return Math.log(sum) + max - logits[row * classes + label];
}

export function argmaxRow(values: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (values[row * classes + k] > values[row * classes + best]) best = k;
  return best;
}

/** confusion[actual][predicted]. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]][predicted[i]]++;
  return matrix;
}

/** Precision, recall and F1 per class from a confusion matrix (0 where undefined). */
export function perClassReport(confusion: number[][], names: string[]): ClassReport[] {
  return names.map((name, k) => {
    const truePositives = confusion[k][k];
    const support = confusion[k].reduce((sum, value) => sum + value, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[k], 0);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name, precision, recall, f1, support };
  });
}
