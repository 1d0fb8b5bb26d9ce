import type { ClassReport, MultiLabelReport } from './types';

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

/** Binary cross-entropy with logits of one row against its multi-hot targets, averaged over the classes (as PyTorch's BCEWithLogitsLoss). */
export function binaryCrossEntropy(logits: Float32Array, row: number, classes: number, targets: Float32Array): number {
  let sum = 0;
  for (let k = row * classes; k < (row + 1) * classes; k++) {
    const z = logits[k];
    sum += Math.max(z, 0) - z * targets[k] + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return sum / classes;
}

/**
 * Average precision of one class's scores (the area under its precision-recall steps, as scikit-learn computes it:
 * Σ (R_n − R_{n−1}) P_n over the distinct scores, highest first); NaN when the class has no positive.
 */
export function averagePrecision(scores: ArrayLike<number>, positives: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let total = 0;
  for (let i = 0; i < positives.length; i++) if (positives[i]) total++;
  if (total === 0) return Number.NaN;
  let truePositives = 0;
  let ap = 0;
  let previousRecall = 0;
  for (let i = 0; i < order.length; i++) {
    if (positives[order[i]]) truePositives++;
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    const recall = truePositives / total;
    ap += (recall - previousRecall) * (truePositives / (i + 1));
    previousRecall = recall;
  }
  return ap;
}

/**
 * Multi-label metrics of probabilities (rows of `names.length` sigmoids) against multi-hot targets: per-class
 * precision, recall and F1 at the threshold and average precision; micro F1 (over every class decision), macro F1
 * (mean of the classes' F1), mean average precision (over the classes with a positive) and subset accuracy (images
 * whose every class is right).
 */
export function multiLabelReport(probabilities: ArrayLike<number>, targets: ArrayLike<number>, names: string[], threshold = 0.5): MultiLabelReport {
  const classes = names.length;
  const count = Math.floor(targets.length / classes);
  let [allTrue, allPredicted, allPositive, exact] = [0, 0, 0, 0];
  const perClass = names.map((name, k) => {
    let [truePositives, predicted, support] = [0, 0, 0];
    const scores = new Float64Array(count);
    const positives = new Array<boolean>(count);
    for (let i = 0; i < count; i++) {
      scores[i] = probabilities[i * classes + k];
      positives[i] = targets[i * classes + k] > 0.5;
      const yes = scores[i] >= threshold;
      if (yes) predicted++;
      if (positives[i]) support++;
      if (yes && positives[i]) truePositives++;
    }
    allTrue += truePositives;
    allPredicted += predicted;
    allPositive += support;
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name, precision, recall, f1, support, averagePrecision: averagePrecision(scores, positives) };
  });
  for (let i = 0; i < count; i++) {
    let right = true;
    for (let k = 0; k < classes && right; k++) right = (probabilities[i * classes + k] >= threshold) === (targets[i * classes + k] > 0.5);
    if (right) exact++;
  }
  const withPositives = perClass.filter((report) => report.support > 0);
  return {
    threshold, perClass,
    microF1: allPredicted + allPositive === 0 ? 0 : (2 * allTrue) / (allPredicted + allPositive),
    macroF1: perClass.reduce((sum, report) => sum + report.f1, 0) / classes,
    meanAveragePrecision: withPositives.length === 0 ? Number.NaN : withPositives.reduce((sum, report) => sum + report.averagePrecision, 0) / withPositives.length,
    subsetAccuracy: count === 0 ? Number.NaN : exact / count,
  };
}
