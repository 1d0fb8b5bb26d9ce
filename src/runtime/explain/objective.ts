import { isDistribution, sigmoid, softmax } from '../predict/classify';

/**
 * What an explanation explains, by the kind of output the model has:
 * - classification (one non-unit axis): the logit (or probability output) of the class;
 * - dense maps [1, K, H, W]: the chosen class's map summed over the region predicted as that class (K = 1: the
 *   pixels above 0.5 for a map in [0, 1], above 0 otherwise; K ≥ 2: the pixels whose argmax is the class);
 * - sequences [1, T, C]: the sum over the steps of each step's top-scoring class;
 * - anything else: the output element at the class index.
 * The objective is sum(output × weights): weights select what counts.
 */
export type ObjectiveKind = 'classification' | 'dense' | 'sequence' | 'element';

export interface OutputObjective {
  kind: ObjectiveKind;
  /** The class explained (for sequences, the top class of the first step that is not class 0, else of step 0). */
  targetClass: number;
  /** Shaped like the output: 1 where an element counts. */
  weights: Float32Array;
  /** One line for people: what the score sums. */
  description: string;
}

/** sum(output × weights): the objective's value for one output. */
export function objectiveValue(values: ArrayLike<number>, weights: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 0) sum += values[i] * weights[i];
  return sum;
}

/**
 * What Score-CAM weighs by, for each output: for class scores, the class's probability (the output itself when the
 * model's own output `own` is a distribution, else its softmax, or its own sigmoid for a multi-label model); for the
 * other kinds, the mean of the counted outputs.
 */
export function objectiveProbabilities(objective: OutputObjective, own: ArrayLike<number>, outputs: ArrayLike<number>[], multiLabel = false): number[] {
  if (objective.kind !== 'classification') {
    const counted = objective.weights.reduce((sum, weight) => sum + weight, 0);
    return outputs.map((values) => objectiveValue(values, objective.weights) / counted);
  }
  if (multiLabel) return outputs.map((values) => sigmoid(values[objective.targetClass]));
  const distribution = isDistribution(own);
  return outputs.map((values) => (distribution ? values[objective.targetClass] : softmax(Float32Array.from(values))[objective.targetClass]));
}

function argmaxAt(values: ArrayLike<number>, count: number, offset: (k: number) => number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset(k)] > values[offset(best)]) best = k;
  return best;
}

export function outputObjective(dims: readonly number[], values: ArrayLike<number>, targetClass?: number): OutputObjective {
  const weights = new Float32Array(values.length);
  const nonUnit = dims.filter((dim) => dim !== 1);
  const checkClass = (index: number, count: number) => {
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new Error(`class ${index} is outside the output's ${count} classes`);
    return index;
  };
  if (nonUnit.length <= 1 || values.length === 1) {
    const chosen = checkClass(targetClass ?? argmaxAt(values, values.length, (k) => k), values.length);
    weights[chosen] = 1;
    return { kind: 'classification', targetClass: chosen, weights, description: `the class ${chosen} output` };
  }
  if (dims.length === 4 && dims[0] === 1 && dims[2] >= 2 && dims[3] >= 2) {
    const [, classes, height, width] = dims;
    const plane = height * width;
    if (classes === 1) {
      let min = Infinity, max = -Infinity;
      for (let i = 0; i < plane; i++) { min = Math.min(min, values[i]); max = Math.max(max, values[i]); }
      const threshold = min >= 0 && max <= 1 ? 0.5 : 0;
      let region = 0;
      for (let i = 0; i < plane; i++) if (values[i] > threshold) { weights[i] = 1; region++; }
      if (region === 0) weights.fill(1);
      const where = region === 0 ? 'the whole map (no pixel above the threshold)' : `the ${region} pixels above ${threshold}`;
      return { kind: 'dense', targetClass: 0, weights, description: `the map summed over ${where}` };
    }
    const argmax = new Int32Array(plane);
    const counts = new Array<number>(classes).fill(0);
    for (let p = 0; p < plane; p++) {
      argmax[p] = argmaxAt(values, classes, (k) => k * plane + p);
      counts[argmax[p]]++;
    }
    // By default the most frequent class other than class 0 (background, by the usual convention), if any shows.
    const foreground = counts.slice(1).some((count) => count > 0);
    const chosen = checkClass(targetClass ?? (foreground ? counts.indexOf(Math.max(...counts.slice(1)), 1) : 0), classes);
    let region = 0;
    for (let p = 0; p < plane; p++) if (argmax[p] === chosen) { weights[chosen * plane + p] = 1; region++; }
    if (region === 0) weights.fill(1, chosen * plane, (chosen + 1) * plane);
    return { kind: 'dense', targetClass: chosen, weights, description: `class ${chosen}'s map summed over ${region === 0 ? 'the whole map (no pixel predicted as it)' : `the ${region} pixels predicted as it`}` };
  }
  if (dims.length === 3 && dims[0] === 1 && dims[1] >= 2 && dims[2] >= 2) {
    const [, steps, classes] = dims;
    let first = -1;
    for (let t = 0; t < steps; t++) {
      const top = argmaxAt(values, classes, (k) => t * classes + k);
      weights[t * classes + top] = 1;
      if (first < 0 && top !== 0) first = top;
    }
    const chosen = first >= 0 ? first : argmaxAt(values, classes, (k) => k);
    return { kind: 'sequence', targetClass: chosen, weights, description: `the sum over ${steps} steps of each step's top class` };
  }
  const chosen = checkClass(targetClass ?? argmaxAt(values, values.length, (k) => k), values.length);
  weights[chosen] = 1;
  return { kind: 'element', targetClass: chosen, weights, description: `output element ${chosen} (flat index)` };
}
