import { isDistribution, sigmoid, softmax } from '../predict/classify';

/**
 * What an explanation explains, by the kind of output the model has:
 * - classification (one non-unit axis): the logit (or probability output) of the class;
 * - dense maps [1, K, H, W]: the chosen class's map summed over the region predicted as that class (K = 1: the
 *   pixels above 0.5 for a map in [0, 1], above 0 otherwise; K ≥ 2: the pixels whose argmax is the class);
 * - sequences [1, T, C]: the sum over the steps of each step's top-scoring class;
 * - detections (see detectionLayout): the chosen box's score, by default the highest-scoring box's;
 * - anything else: the output element at the class index.
 * The objective is sum(output × weights): weights select what counts.
 */
export type ObjectiveKind = 'classification' | 'dense' | 'sequence' | 'detection' | 'element';

/**
 * Where a detection output keeps its boxes. The output is read as boxes × features (features along featureAxis):
 * - rows [1, N, 5+C] (YOLOv5/YOLOX): cx, cy, w, h, objectness, C class scores; the box score is the objectness, or
 *   class k's score when a class is given;
 * - columns [1, 4+C, N] (YOLOv8 and later): cx, cy, w, h, C class scores; the box score is the top class's score;
 * - SSD-style scores [1, N, C] beside boxes [1, N, 4] (another output): the top class's score, class 0 being
 *   the background when C ≥ 2;
 * - after NMS, [N, 6] (x1, y1, x2, y2, score, class) and [1, N, 7] (batch, x1, y1, x2, y2, class, score).
 */
export interface DetectionLayout {
  /** What the layout is, for people. */
  name: string;
  boxAxis: number;
  featureAxis: number;
  /** The feature of the first of the four coordinates; null when another output (coordinatesOutput) holds them. */
  coordinates: number | null;
  coordinatesOutput?: string;
  /** The features whose largest value is the box's score, [first, end). */
  scores: [number, number];
  /** The features holding class scores, [first, end) (the box's class is the largest); null: the class is the value of feature classFeature. */
  classes: [number, number] | null;
  classFeature?: number;
}

/** Fewest boxes a raw (pre-NMS) detection output is recognised by; sequences have fewer steps. */
const MIN_ANCHORS = 256;

/** Whether each of the rows of a [1, A, B] output (along its last axis) is a probability distribution. */
function rowsAreDistributions(dims: readonly number[], values: ArrayLike<number>): boolean {
  const width = dims[2];
  for (let row = 0; row < dims[1]; row++) {
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const value = values[row * width + k];
      if (!(value >= 0 && value <= 1)) return false;
      sum += value;
    }
    if (Math.abs(sum - 1) > 1e-2) return false;
  }
  return true;
}

/**
 * The detection layout of an output (dims, values from one run), given the other outputs' dims; null when it does
 * not look like detections. Raw outputs are recognised by their many boxes (at least MIN_ANCHORS) and few features,
 * and a [1, A, B] output whose rows are distributions is a sequence, not boxes.
 */
export function detectionLayout(dims: readonly number[], values: ArrayLike<number>, otherOutputs: Record<string, readonly number[]> = {}): DetectionLayout | null {
  if (dims.length === 2 && dims[1] === 6) {
    return { name: 'boxes after NMS [N, 6]: x1, y1, x2, y2, score, class', boxAxis: 0, featureAxis: 1, coordinates: 0, scores: [4, 5], classes: null, classFeature: 5 };
  }
  if (dims.length !== 3 || dims[0] !== 1) return null;
  const [, first, second] = dims;
  if (second === 7 && first < MIN_ANCHORS) {
    return { name: 'boxes after NMS [1, N, 7]: batch, x1, y1, x2, y2, class, score', boxAxis: 1, featureAxis: 2, coordinates: 1, scores: [6, 7], classes: null, classFeature: 5 };
  }
  const boxes = Object.entries(otherOutputs).find(([, other]) => other.length === 3 && other[0] === 1 && other[1] === first && other[2] === 4);
  if (boxes && second >= 1 && second !== 4) {
    const from = second >= 2 ? 1 : 0;
    return { name: `SSD-style scores [1, N, C] beside boxes '${boxes[0]}'${from ? ' (class 0: background)' : ''}`, boxAxis: 1, featureAxis: 2, coordinates: null, coordinatesOutput: boxes[0], scores: [from, second], classes: [from, second] };
  }
  if (rowsAreDistributions(dims, values)) return null;
  if (first >= MIN_ANCHORS && second >= 6 && second * 4 <= first) {
    return { name: 'YOLO rows [1, N, 5+C]: cx, cy, w, h, objectness, class scores', boxAxis: 1, featureAxis: 2, coordinates: 0, scores: [4, 5], classes: [5, second] };
  }
  if (second >= MIN_ANCHORS && first >= 5 && first * 4 <= second) {
    return { name: 'YOLO columns [1, 4+C, N]: cx, cy, w, h, class scores', boxAxis: 2, featureAxis: 1, coordinates: 0, scores: [4, first], classes: [4, first] };
  }
  return null;
}

/** The chosen box of a detection objective. */
export interface DetectedBox {
  /** Index along the boxes axis. */
  box: number;
  /** Class index (counted from the first class feature), or the class the output names. */
  class: number;
  score: number;
  /** The box's four coordinates as the output gives them (null when another output holds them and was not read). */
  coordinates: number[] | null;
}

/** The features a detection objective chooses among: the layout's score features, or class k's feature when given. */
export function detectionScoreFeatures(layout: DetectionLayout, targetClass?: number): [number, number] {
  if (targetClass === undefined) return layout.scores;
  if (!layout.classes) throw new Error(`a class cannot be chosen in ${layout.name}: each box names its own class`);
  const [first, end] = layout.classes;
  if (!(Number.isInteger(targetClass) && targetClass >= 0 && targetClass < end - first)) throw new Error(`class ${targetClass} is outside the detection output's ${end - first} classes`);
  return [first + targetClass, first + targetClass + 1];
}

/** Throws when the box or the class chosen is not in the detection output. */
export function checkDetectionChoice(dims: readonly number[], layout: DetectionLayout, options: { box?: number; targetClass?: number }): void {
  const boxCount = dims[layout.boxAxis];
  if (options.box !== undefined && !(Number.isInteger(options.box) && options.box >= 0 && options.box < boxCount)) {
    throw new Error(`box ${options.box} is outside the detection output's ${boxCount} boxes`);
  }
  detectionScoreFeatures(layout, options.targetClass);
}

/** The flat output index of the largest score among the boxes (one box when given) and the score features, first on ties. */
export function chooseDetection(dims: readonly number[], values: ArrayLike<number>, layout: DetectionLayout, options: { box?: number; targetClass?: number }): number {
  checkDetectionChoice(dims, layout, options);
  const boxCount = dims[layout.boxAxis];
  const [first, end] = detectionScoreFeatures(layout, options.targetClass);
  const featureStride = layout.featureAxis === dims.length - 1 ? 1 : dims[dims.length - 1];
  const boxStride = layout.boxAxis === dims.length - 1 ? 1 : dims[dims.length - 1];
  let best = -1;
  for (let flat = 0; flat < values.length; flat++) {
    const box = Math.floor(flat / boxStride) % boxCount;
    const feature = Math.floor(flat / featureStride) % dims[layout.featureAxis];
    if (feature < first || feature >= end || (options.box !== undefined && box !== options.box)) continue;
    if (best < 0 || values[flat] > values[best]) best = flat;
  }
  if (best < 0) throw new Error('the detection output holds no boxes');
  return best;
}

/** The box at a flat output index (the element a detection objective picked), read from the output's values. */
export function detectedBox(dims: readonly number[], values: ArrayLike<number>, layout: DetectionLayout, flat: number, coordinatesValues?: ArrayLike<number>): DetectedBox {
  const featureCount = dims[layout.featureAxis];
  const boxCount = dims[layout.boxAxis];
  const rows = layout.featureAxis === dims.length - 1;
  const box = Math.floor(flat / (rows ? featureCount : 1)) % boxCount;
  const at = (feature: number) => values[rows ? box * featureCount + feature : feature * boxCount + box];
  const feature = rows ? flat % featureCount : Math.floor(flat / boxCount) % featureCount;
  let boxClass: number;
  if (layout.classes) {
    const [first, end] = layout.classes;
    let top = first;
    if (feature >= first && feature < end) top = feature;
    else for (let k = first + 1; k < end; k++) if (at(k) > at(top)) top = k;
    boxClass = top - first;
  } else {
    boxClass = at(layout.classFeature!);
  }
  const coordinates = layout.coordinates !== null ? [0, 1, 2, 3].map((k) => at(layout.coordinates! + k))
    : coordinatesValues ? [0, 1, 2, 3].map((k) => coordinatesValues[box * 4 + k]) : null;
  return { box, class: boxClass, score: values[flat], coordinates };
}

export interface OutputObjective {
  kind: ObjectiveKind;
  /** For detections: the chosen box. */
  detection?: DetectedBox;
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

/** The detection objective: the score at one flat output index (chooseDetection's pick). */
export function detectionObjective(dims: readonly number[], values: ArrayLike<number>, layout: DetectionLayout, flat: number, coordinatesValues?: ArrayLike<number>): OutputObjective {
  const weights = new Float32Array(values.length);
  weights[flat] = 1;
  const detection = detectedBox(dims, values, layout, flat, coordinatesValues);
  return { kind: 'detection', targetClass: detection.class, weights, detection, description: `detection box #${detection.box} score (class ${detection.class}; ${layout.name})` };
}

/** The objective's kind by the output's shape alone (detections are told apart by detectionLayout). */
export function objectiveKindOf(dims: readonly number[]): Exclude<ObjectiveKind, 'detection'> {
  if (dims.filter((dim) => dim !== 1).length <= 1) return 'classification';
  if (dims.length === 4 && dims[0] === 1 && dims[2] >= 2 && dims[3] >= 2) return 'dense';
  if (dims.length === 3 && dims[0] === 1 && dims[1] >= 2 && dims[2] >= 2) return 'sequence';
  return 'element';
}

export function outputObjective(dims: readonly number[], values: ArrayLike<number>, targetClass?: number): OutputObjective {
  const weights = new Float32Array(values.length);
  const kind = objectiveKindOf(dims);
  const checkClass = (index: number, count: number) => {
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new Error(`class ${index} is outside the output's ${count} classes`);
    return index;
  };
  if (kind === 'classification') {
    const chosen = checkClass(targetClass ?? argmaxAt(values, values.length, (k) => k), values.length);
    weights[chosen] = 1;
    return { kind: 'classification', targetClass: chosen, weights, description: `the class ${chosen} output` };
  }
  if (kind === 'dense') {
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
  if (kind === 'sequence') {
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
