import type { Emitter } from './emitter';
import type { Objective } from './index';
import { softmaxAlong } from './helpers';

export interface EmittedObjective {
  /** The scalar objective. */
  value: string;
  /** d objective / d output, shaped like the output. */
  seed: string;
  extraInputs: string[];
  /** The flat index (int64, shape [1]) the objective picked at run time, for objectives that pick one. */
  selected?: string;
}

/** Class axis of Softmax-based objectives: 1, or 0 for a 1-D output. */
function classAxis(rank: number): number {
  return rank >= 2 ? 1 : 0;
}

function requireRank(shapes: Record<string, number[]>, output: string): number {
  const shape = shapes[output];
  if (!shape) throw new Error(`the rank of the objective's output '${output}' is not known (give shapes or sample feeds)`);
  return shape.length;
}

/** A tensor shaped like `output` that is 1 at `index` and 0 elsewhere. */
function oneHot(emit: Emitter, output: string, index: number[], shape: number[]): string {
  if (index.length !== shape.length) throw new Error(`the objective's index [${index}] does not address all ${shape.length} axes of its output`);
  index.forEach((position, axis) => {
    if (position < 0 || (shape[axis] >= 0 && position >= shape[axis])) throw new Error(`the objective's index [${index}] lies outside the output's shape [${shape}]`);
  });
  if (shape.every((dim) => dim >= 0)) {
    const values = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
    values[index.reduce((flat, position, axis) => flat * shape[axis] + position, 0)] = 1;
    return emit.float(values, shape);
  }
  const one = emit.float([1], new Array(shape.length).fill(1));
  const endPads = emit.sub(emit.shapeOf(output), emit.int64(index.map((position) => position + 1)));
  const pads = emit.node('Concat', [emit.int64(index), endPads], { axis: 0 });
  return emit.node('Pad', [one, pads], { mode: 'constant' });
}

export function emitObjective(emit: Emitter, objective: Objective, shapes: Record<string, number[]>): EmittedObjective {
  const output = objective.output;
  switch (objective.kind) {
    case 'weighted-sum': {
      const weights = objective.weightsInput;
      return { value: emit.reduceSum(emit.mul(output, weights), undefined, false), seed: weights, extraInputs: [weights] };
    }
    case 'select': {
      const mask = oneHot(emit, output, objective.index, shapes[output] ?? []);
      return { value: emit.reduceSum(emit.mul(output, mask), undefined, false), seed: mask, extraInputs: [] };
    }
    case 'select-argmax': {
      // The largest element, picked in the graph (first on ties, like ArgMax), so one run both chooses and differentiates.
      // Elements outside `among` get the lowest float added, so they never win.
      const competing = (objective.among ?? []).reduce((tensor, { axis, first, end }) => {
        const shape = shapes[output];
        if (!shape || !(shape[axis] > 0)) throw new Error(`the objective's output '${output}' needs a known size on axis ${axis}`);
        const penalty = Array.from({ length: shape[axis] }, (_, k) => (k >= first && k < end ? 0 : -3.4e38));
        return emit.add(tensor, emit.float(penalty, shape.map((dim, i) => (i === axis ? dim : 1))));
      }, output);
      const selected = emit.node('ArgMax', [emit.node('Flatten', [competing], { axis: 0 })], { axis: 1, keepdims: 0 });
      const flatMask = emit.node('OneHot', [selected, emit.node('Size', [output]), emit.float([0, 1])], { axis: -1 });
      const mask = emit.reshapeLike(flatMask, output);
      return { value: emit.reduceSum(emit.mul(output, mask), undefined, false), seed: mask, extraInputs: [], selected };
    }
    case 'dense-region':
      return denseRegion(emit, output, shapes[output], objective.targetClass);
    case 'sequence-top': {
      const shape = shapes[output];
      if (!shape || shape.length !== 3 || !(shape[2] > 0)) throw new Error(`the sequence objective needs a [1, T, C] output with known C; '${output}' is [${shape ?? '?'}]`);
      const top = emit.node('ArgMax', [output], { axis: 2, keepdims: 0 });
      const weights = emit.node('OneHot', [top, emit.int64([shape[2]]), emit.float([0, 1])], { axis: -1 });
      return { value: emit.reduceSum(emit.mul(output, weights), undefined, false), seed: weights, extraInputs: [] };
    }
    case 'softmax-prob': {
      const rank = requireRank(shapes, output);
      const axis = classAxis(rank);
      const mask = oneHot(emit, output, objective.index, shapes[output]);
      const probabilities = softmaxAlong(emit, 'Softmax', output, axis, rank);
      const picked = emit.mul(probabilities, mask);
      // d p_k / d z = p * (e_k - p_k) along the class axis of the picked position.
      const pickedPerRow = emit.reduceSum(picked, [axis], true);
      const seed = emit.sub(picked, emit.mul(probabilities, pickedPerRow));
      return { value: emit.reduceSum(picked, undefined, false), seed, extraInputs: [] };
    }
    case 'cross-entropy':
      return { ...crossEntropy(emit, output, objective.labelsInput, classAxis(requireRank(shapes, output)), requireRank(shapes, output)), extraInputs: [objective.labelsInput] };
    case 'focal': {
      const rank = requireRank(shapes, output);
      const axis = classAxis(rank);
      const targets = objective.labelsInput;
      const logProbabilities = softmaxAlong(emit, 'LogSoftmax', output, axis, rank);
      const probabilities = emit.node('Exp', [logProbabilities]);
      const positions = emit.sizeOf(emit.reduceSum(targets, [axis], true));
      const complement = emit.sub(emit.float(1), probabilities);
      const modulation = emit.node('Pow', [complement, emit.float(objective.gamma)]);
      const value = emit.div(emit.neg(emit.reduceSum(emit.mul(targets, emit.mul(modulation, logProbabilities)), undefined, false)), positions);
      // p · d/dp of −(1 − p)^γ·log p; the floor keeps (1 − p)^(γ−1) finite where p rounds to 1.
      const floored = emit.node('Max', [complement, emit.float(1e-30)]);
      const slope = emit.sub(
        emit.mul(emit.mul(emit.node('Pow', [floored, emit.float(objective.gamma - 1)]), emit.float(objective.gamma)), emit.mul(probabilities, logProbabilities)),
        modulation,
      );
      const weighted = emit.mul(targets, slope);
      const seed = emit.div(emit.sub(weighted, emit.mul(probabilities, emit.reduceSum(weighted, [axis], true))), positions);
      return { value, seed, extraInputs: [targets] };
    }
    case 'binary-cross-entropy': {
      const targets = objective.labelsInput;
      const count = emit.sizeOf(output);
      // log(1 + e^z) − z·y is −y·log σ(z) − (1 − y)·log(1 − σ(z)) without overflow.
      const value = emit.div(emit.reduceSum(emit.sub(emit.node('Softplus', [output]), emit.mul(output, targets)), undefined, false), count);
      const seed = emit.div(emit.sub(emit.node('Sigmoid', [output]), targets), count);
      return { value, seed, extraInputs: [targets] };
    }
    case 'distillation': {
      const rank = requireRank(shapes, output);
      const axis = classAxis(rank);
      const { temperature, alpha } = objective;
      const hard = crossEntropy(emit, output, objective.labelsInput, axis, rank);
      const inverseTemperature = emit.float(1 / temperature);
      const studentLog = softmaxAlong(emit, 'LogSoftmax', emit.mul(output, inverseTemperature), axis, rank);
      const teacherLog = softmaxAlong(emit, 'LogSoftmax', emit.mul(objective.teacherInput, inverseTemperature), axis, rank);
      const teacher = emit.node('Exp', [teacherLog]);
      const positions = emit.sizeOf(emit.reduceSum(teacher, [axis], true));
      const divergence = emit.div(emit.reduceSum(emit.mul(teacher, emit.sub(teacherLog, studentLog)), undefined, false), positions);
      const value = emit.add(emit.mul(hard.value, emit.float(1 - alpha)), emit.mul(divergence, emit.float(alpha * temperature * temperature)));
      // d(T²·KL)/dz = T·(Softmax(z/T) − q) per position.
      const softSeed = emit.div(emit.sub(emit.node('Exp', [studentLog]), teacher), positions);
      const seed = emit.add(emit.mul(hard.seed, emit.float(1 - alpha)), emit.mul(softSeed, emit.float(alpha * temperature)));
      return { value, seed, extraInputs: [objective.labelsInput, objective.teacherInput] };
    }
  }
}

/** Cross-entropy of Softmax over `axis` against labels shaped like the output, averaged over every other position. */
function crossEntropy(emit: Emitter, output: string, labels: string, axis: number, rank: number): { value: string; seed: string } {
  const logProbabilities = softmaxAlong(emit, 'LogSoftmax', output, axis, rank);
  const labelMass = emit.reduceSum(labels, [axis], true);
  const positions = emit.sizeOf(labelMass);
  const value = emit.div(emit.neg(emit.reduceSum(emit.mul(labels, logProbabilities), undefined, false)), positions);
  const probabilities = emit.node('Exp', [logProbabilities]);
  const seed = emit.div(emit.sub(emit.mul(probabilities, labelMass), labels), positions);
  return { value, seed };
}

/** The dense-region objective (see Objective): the region's mask, chosen in the graph, is the seed. */
function denseRegion(emit: Emitter, output: string, shape: number[] | undefined, targetClass: number | undefined): EmittedObjective {
  if (!shape || shape.length !== 4 || !(shape[1] > 0)) throw new Error(`the dense objective needs a [1, K, H, W] output with known K; '${output}' is [${shape ?? '?'}]`);
  const classes = shape[1];
  let region: string;
  let fallback: string;
  let selected: string | undefined;
  if (classes === 1) {
    const low = emit.node('ReduceMin', [output], { keepdims: 0 });
    const high = emit.node('ReduceMax', [output], { keepdims: 0 });
    const unit = emit.node('And', [emit.node('Not', [emit.node('Less', [low, emit.float(0)])]), emit.node('Not', [emit.node('Greater', [high, emit.float(1)])])]);
    const threshold = emit.node('Where', [unit, emit.float(0.5), emit.float(0)]);
    region = emit.mask(emit.node('Greater', [output, threshold]));
    fallback = emit.float([1], [1, 1, 1, 1]);
  } else {
    if (targetClass !== undefined && !(Number.isInteger(targetClass) && targetClass >= 0 && targetClass < classes)) throw new Error(`class ${targetClass} is outside the output's ${classes} classes`);
    const ids = emit.int64(Array.from({ length: classes }, (_, k) => k), [1, classes, 1, 1]);
    const predicted = emit.node('Equal', [emit.node('ArgMax', [output], { axis: 1, keepdims: 1 }), ids]);
    if (targetClass === undefined) {
      // The most frequent class other than 0 among the pixels' argmax, if any shows; else 0.
      const counts = emit.reduceSum(emit.mask(predicted), [0, 2, 3], false);
      const foreground = emit.slice(counts, [1], [classes], [0]);
      const shows = emit.node('Greater', [emit.node('ReduceMax', [foreground], { keepdims: 0 }), emit.float(0)]);
      const best = emit.add(emit.node('ArgMax', [foreground], { axis: 0, keepdims: 1 }), emit.int64([1]));
      selected = emit.node('Where', [shows, best, emit.int64([0])]);
    } else {
      selected = emit.int64([targetClass]);
    }
    fallback = emit.mask(emit.node('Equal', [ids, selected]));
    region = emit.mul(fallback, emit.mask(predicted));
  }
  const empty = emit.node('Equal', [emit.reduceSum(region, undefined, false), emit.float(0)]);
  const weights = emit.node('Where', [empty, emit.node('Expand', [fallback, emit.shapeOf(output)]), region]);
  return { value: emit.reduceSum(emit.mul(output, weights), undefined, false), seed: weights, extraInputs: [], selected };
}
