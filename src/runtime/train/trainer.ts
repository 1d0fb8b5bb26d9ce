import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readInputFacts, type ModelInputFacts } from '../images/model-input';
import { resolvePreprocessing } from '../images/resolve';
import { inspectTfjs } from '../tfjs/inspect';
import type { Preprocessing } from '../images/types';
import { seededRandom } from '../random';
import { SMALL_CNN_NAME } from './builtin-small-cnn';
import { Augmenter } from './data/augment';
import { splitDataset, type DatasetSplit } from './data/folder';
import { batchDims, DEFAULT_CACHE_BUDGET, loadImages, preprocessingFromData, sampleShape, sampleSize, type ImageSet, type SampleShape, type SkippedImage } from './data/images';
import { balancedClassWeights, classCounts, epochOrder } from './data/sampling';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
import { argmaxRow, binaryCrossEntropy, confusionMatrix, crossEntropy, multiLabelReport, perClassReport } from './metrics';
import { sigmoid } from '../predict/classify';
import { findLearningRate, type LearningRateCurve, type LearningRateFinderOptions } from './lr-finder';
import { learningRateAt, type ScheduleOptions } from './schedule';
import { createTeacher, type Teacher } from './teacher';
import type { EpochMetrics, MultiLabelReport, StepEngine, StepEngineFactory, StepEngineSetup, TrainConfig, TrainEvent, TrainSummary } from './types';
import { explainTrainedModel } from './watch';

/** The defaults of every optional TrainConfig field the loop reads. */
export const TRAIN_DEFAULTS = {
  epochs: 10, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', schedule: 'constant', valSplit: 0.1, seed: 0,
  stepSize: 10, gamma: 0.1, warmupEpochs: 0, temperature: 4, alpha: 0.5,
} as const;

/** Pause, resume and stop for a running training loop; checked between steps. */
export class TrainControl {
  private pausedUntil: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private stopRequested = false;

  get paused(): boolean {
    return this.pausedUntil !== undefined;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  pause(): void {
    if (this.pausedUntil || this.stopRequested) return;
    this.pausedUntil = new Promise((resolve) => { this.release = resolve; });
  }

  resume(): void {
    this.release?.();
    this.pausedUntil = undefined;
    this.release = undefined;
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  /** Resolves at once when running, when resumed or stopped when paused. */
  async checkpoint(onPause: () => void, onResume: () => void): Promise<void> {
    if (!this.pausedUntil) return;
    onPause();
    await this.pausedUntil;
    if (!this.stopRequested) onResume();
  }
}

export interface TrainerOptions {
  createEngine: StepEngineFactory;
  onEvent?: (event: TrainEvent) => void;
  control?: TrainControl;
  /** Bytes of decoded images kept in memory (training and validation together); beyond it images are decoded per batch. */
  cacheBudgetBytes?: number;
  /** Smallest interval between two 'step' events. */
  stepEventSeconds?: number;
}

/** Where a run writes its checkpoints: beside the output model. */
export function checkpointDir(out: string): string {
  return `${out}.checkpoints`;
}

/** The preprocessing the model is trained with: the model's own (guess, settings file, overrides) or, for the built-in CNN, the data's. */
export async function trainingPreprocessing(config: TrainConfig, split: DatasetSplit): Promise<Preprocessing> {
  if (config.model === SMALL_CNN_NAME) return preprocessingFromData(split.train.map((sample) => sample.file), config.preprocessing);
  if (!fs.existsSync(config.model)) throw new Error(`model ${config.model} does not exist`);
  return resolvePreprocessing(config.model, await modelInputFacts(config.model), config.preprocessing);
}

async function modelInputFacts(model: string): Promise<ModelInputFacts> {
  if (!model.toLowerCase().endsWith('.json')) return readInputFacts(model);
  const input = inspectTfjs(model).inputs[0];
  if (!input) throw new Error(`${model}: the tfjs model declares no input shape`);
  return { name: input.name, dtype: input.dtype, dims: (input.shape ?? []).map((dim) => (typeof dim === 'number' && dim > 0 ? dim : null)), producer: 'keras', irVersion: 0, opset: null, metadata: {} };
}

/** Random numbers of one purpose in one epoch: a stream seeded by (seed, epoch, purpose), so a resumed run draws the same ones. */
export function epochRandom(seed: number, epoch: number, purpose: number): () => number {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35) ^ Math.imul(purpose + 1, 0x27d4eb2f));
}

const PURPOSE_ORDER = 0;
const PURPOSE_AUGMENT = 1;
const PURPOSE_ENGINE = 2;

interface Evaluation {
  loss: number;
  accuracy: number;
  predicted: Int32Array;
  losses: Float64Array;
  /** Multi-label data: every image's sigmoids (rows of the class count). */
  probabilities?: Float32Array;
}

/** The targets of a batch: class indices, or multi-hot rows for binary cross-entropy (one-hot for single-label data). */
function batchTargets(set: ImageSet, indices: ArrayLike<number>, classes: number, binary: boolean): Int32Array | Float32Array {
  if (!binary) return Int32Array.from(indices as ArrayLike<number>, (i) => set.labels[i]);
  const targets = new Float32Array(indices.length * classes);
  for (let i = 0; i < indices.length; i++) {
    if (set.targets) targets.set(set.targets.subarray(indices[i] * classes, (indices[i] + 1) * classes), i * classes);
    else targets[i * classes + set.labels[indices[i]]] = 1;
  }
  return targets;
}

/**
 * How many images of a batch are right: the top class for single-label data; for multi-label data (multi-hot
 * targets) the images whose every class decision (sigmoid ≥ 0.5, i.e. logit ≥ 0) is right.
 */
function correctCount(logits: Float32Array, targets: Int32Array | Float32Array, count: number, classes: number, multiLabel: boolean): number {
  let correct = 0;
  for (let i = 0; i < count; i++) {
    if (!multiLabel) {
      const label = targets instanceof Int32Array ? targets[i] : argmaxRow(targets, i, classes);
      if (argmaxRow(logits, i, classes) === label) correct++;
      continue;
    }
    let right = true;
    for (let k = i * classes; k < (i + 1) * classes && right; k++) right = (logits[k] >= 0) === (targets[k] > 0.5);
    if (right) correct++;
  }
  return correct;
}

/** Validation: the loss the run trains with (binary cross-entropy or cross-entropy) and the accuracy of correctCount. */
async function evaluate(engine: StepEngine, set: ImageSet, batchSize: number, binary: boolean, multiLabel: boolean): Promise<Evaluation> {
  const count = set.files.length;
  const classes = engine.classes;
  const predicted = new Int32Array(count);
  const losses = new Float64Array(count);
  const probabilities = multiLabel ? new Float32Array(count * classes) : undefined;
  const size = sampleSize(set.shape);
  const buffer = new Float32Array(batchSize * size);
  let total = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const indices = Array.from({ length: n }, (_, i) => start + i);
    const batch = buffer.subarray(0, n * size);
    await set.gather(indices, batch);
    const logits = await engine.predict(batch, batchDims(set.shape, n));
    const targets = batchTargets(set, indices, classes, binary);
    correct += correctCount(logits, targets, n, classes, multiLabel);
    for (let i = 0; i < n; i++) {
      predicted[start + i] = argmaxRow(logits, i, classes);
      losses[start + i] = targets instanceof Float32Array ? binaryCrossEntropy(logits, i, classes, targets) : crossEntropy(logits, i, classes, targets[i]);
      total += losses[start + i];
    }
    if (probabilities) for (let k = 0; k < n * classes; k++) probabilities[start * classes + k] = sigmoid(logits[k]);
  }
  return { loss: count === 0 ? Number.NaN : total / count, accuracy: count === 0 ? Number.NaN : correct / count, predicted, losses, probabilities };
}

/** A run on multi-label data trains with binary cross-entropy; the options that only mean something for one class per image are refused. */
function multiLabelConfig(config: TrainConfig, data: string): TrainConfig {
  if (config.loss && config.loss !== 'binary-cross-entropy') throw new Error(`${data} is multi-label data: it trains with binary cross-entropy, not ${config.loss}`);
  const refused = ([['labelSmoothing', config.labelSmoothing], ['classWeights', config.classWeights], ['oversample', config.oversample], ['teacher', config.teacher]] as const)
    .filter(([, value]) => value !== undefined && value !== false && value !== 0).map(([name]) => name);
  if (refused.length > 0) throw new Error(`${data} is multi-label data; ${refused.join(', ')} ${refused.length > 1 ? 'apply' : 'applies'} to single-label data only`);
  return { ...config, loss: 'binary-cross-entropy' };
}

function resolvedConfig(given: TrainConfig): { config: TrainConfig; resumed?: Checkpoint } {
  if (!given.resume) return { config: given };
  const resumed = readCheckpoint(given.resume);
  // The run continues as recorded; only the output, where the data is, the number of epochs and what to watch may change.
  const config: TrainConfig = { ...resumed.config, out: given.out, data: given.data || resumed.config.data, resume: given.resume };
  if (given.epochs !== undefined) config.epochs = given.epochs;
  if (given.watchImages !== undefined) config.watchImages = given.watchImages;
  return { config, resumed };
}

function checkOutput(out: string): void {
  if (!out) throw new Error('the run needs an output file (out)');
  if (fs.existsSync(out)) throw new Error(`${out} already exists; training writes a new file`);
  const dir = checkpointDir(out);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`${dir} already holds checkpoints of another run; resume from one of them or choose another output`);
  if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new Error(`the output folder ${path.dirname(path.resolve(out))} does not exist`);
}

function deviceName(provider: string): string {
  if (provider === 'cpu' || provider.startsWith('wasm') || provider === 'tensorflow') return `${os.cpus()[0]?.model.trim() ?? 'CPU'} (${os.cpus().length} cores)`;
  return provider;
}

interface PreparedRun {
  epochs: number;
  batchSize: number;
  seed: number;
  split: DatasetSplit;
  preprocessing: Preprocessing;
  trainSet: ImageSet;
  valSet: ImageSet;
  skipped: SkippedImage[];
  classCount: number;
  shape: SampleShape;
  setup: StepEngineSetup;
  /** The run trains with binary cross-entropy (multi-hot targets; a teacher's distillation takes class indices). */
  binary: boolean;
}

/** Checks the numbers, splits and decodes the data, and works out what the engine is built from. */
async function prepareRun(config: TrainConfig, options: Pick<TrainerOptions, 'cacheBudgetBytes'>, resumed?: Checkpoint): Promise<PreparedRun> {
  const epochs = config.epochs ?? TRAIN_DEFAULTS.epochs;
  const batchSize = config.batchSize ?? TRAIN_DEFAULTS.batchSize;
  const seed = config.seed ?? TRAIN_DEFAULTS.seed;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`epochs must be a positive integer, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`the batch size must be a positive integer, got ${batchSize}`);

  const split = splitDataset(config.data, { valSplit: config.valSplit ?? TRAIN_DEFAULTS.valSplit, seed, multiLabel: config.multiLabel });
  const engineConfig = split.multiLabel ? multiLabelConfig(config, config.data) : config;
  if (resumed && resumed.classes.join('\n') !== split.classes.join('\n')) throw new Error(`${config.data} has classes ${split.classes.join(', ')}; the checkpoint was trained on ${resumed.classes.join(', ')}`);
  const preprocessing = resumed?.preprocessing ?? await trainingPreprocessing(config, split);
  const budget = options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET;
  const multiLabelClasses = split.multiLabel ? split.classes.length : undefined;
  const trainLoad = await loadImages(split.train, preprocessing, { budgetBytes: budget, multiLabelClasses });
  const used = trainLoad.set.cached ? trainLoad.set.files.length * sampleSize(trainLoad.set.shape) * 4 : 0;
  const valLoad = await loadImages(split.val, preprocessing, { budgetBytes: Math.max(0, budget - used), multiLabelClasses });
  const skipped: SkippedImage[] = [...trainLoad.skipped, ...valLoad.skipped];
  const trainSet = trainLoad.set;
  const valSet = valLoad.set;
  if (trainSet.files.length === 0) throw new Error(`${config.data}: none of the training images could be read`);
  const classCount = split.classes.length;

  const classWeights = config.classWeights === 'balanced' ? balancedClassWeights(trainSet.labels, classCount) : config.classWeights;
  if (classWeights && classWeights.length !== classCount) throw new Error(`classWeights has ${classWeights.length} values for ${classCount} classes (${split.classes.join(', ')})`);
  const shape = sampleShape(preprocessing);
  const setup: StepEngineSetup = { config: engineConfig, classes: split.classes, inputDims: batchDims(shape, 1), preprocessing, classWeights };
  return { epochs, batchSize, seed, split, preprocessing, trainSet, valSet, skipped, classCount, shape, setup, binary: engineConfig.loss === 'binary-cross-entropy' && !engineConfig.teacher };
}

/**
 * The learning-rate range test on a run's data and model (augmented, seeded batches), with a fresh engine that is
 * released afterwards; nothing is written.
 */
export async function findRunLearningRate(config: TrainConfig, options: Pick<TrainerOptions, 'createEngine' | 'cacheBudgetBytes'>, finder: LearningRateFinderOptions = {}): Promise<LearningRateCurve> {
  const { batchSize, seed, trainSet, classCount, shape, setup, preprocessing, binary } = await prepareRun(config, options);
  const engine = await options.createEngine(setup);
  try {
    const augmenter = new Augmenter(config.augment ?? {}, shape, preprocessing);
    const size = sampleSize(shape);
    let order: Int32Array = new Int32Array(0);
    let augmentRandom = epochRandom(seed, 0, PURPOSE_AUGMENT);
    let position = 0;
    let pass = 0;
    return await findLearningRate(engine, async () => {
      if (position >= order.length) {
        order = epochOrder(trainSet.labels, classCount, epochRandom(seed, pass, PURPOSE_ORDER), config.oversample);
        augmentRandom = epochRandom(seed, pass, PURPOSE_AUGMENT);
        position = 0;
        pass++;
      }
      const indices = order.subarray(position, position + batchSize);
      position += batchSize;
      const batch = new Float32Array(indices.length * size);
      await trainSet.gather(indices, batch);
      if (augmenter.active) augmenter.apply(batch, indices.length, augmentRandom);
      return { batch, dims: batchDims(shape, indices.length), labels: batchTargets(trainSet, indices, classCount, binary) };
    }, finder);
  } finally {
    await engine.release();
  }
}

/**
 * Trains a model on a folder of class subfolders: seeded shuffles and augmentation, the learning-rate schedule per step,
 * validation and an atomic checkpoint after every epoch, early stopping, pause/resume/stop between steps. Resuming from a
 * checkpoint gives the same weights as the uninterrupted run. Returns the summary, or undefined when stopped before the
 * first epoch completed.
 */
export async function train(given: TrainConfig, options: TrainerOptions): Promise<TrainSummary | undefined> {
  const emit = options.onEvent ?? (() => undefined);
  const control = options.control ?? new TrainControl();
  const { config, resumed } = resolvedConfig(given);
  checkOutput(config.out);
  const { epochs, batchSize, seed, split, preprocessing, trainSet, valSet, skipped, classCount, shape, setup, binary } = await prepareRun(config, options, resumed);
  const multiLabel = split.multiLabel;
  let engine = await options.createEngine(setup);
  let teacher: Teacher | undefined;
  try {
    if (engine.classes !== classCount) throw new Error(`the model has ${engine.classes} outputs but ${config.data} has ${classCount} classes (${split.classes.join(', ')}); train a new head (--new-head) for these classes`);
    if (resumed) await engine.load(resumed.tensors);
    teacher = config.teacher ? await createTeacher(config.teacher, classCount, config.temperature ?? TRAIN_DEFAULTS.temperature) : undefined;
    emit({ type: 'started', classes: split.classes, trainImages: trainSet.files.length, valImages: valSet.files.length, skipped, provider: engine.provider, device: deviceName(engine.provider), multiLabel, labelling: split.labelling, ...(engine.providerFallback ? { providerFallback: engine.providerFallback } : {}) });

    const augmenter = new Augmenter(config.augment ?? {}, shape, preprocessing);
    const stepsPerEpoch = Math.ceil((config.oversample ? Math.max(...classCounts(trainSet.labels, classCount)) * classCount : trainSet.files.length) / batchSize);
    const schedule: ScheduleOptions = {
      schedule: config.schedule ?? TRAIN_DEFAULTS.schedule,
      learningRate: config.learningRate ?? TRAIN_DEFAULTS.learningRate,
      stepsPerEpoch,
      totalSteps: stepsPerEpoch * epochs,
      stepSize: config.stepSize ?? TRAIN_DEFAULTS.stepSize,
      gamma: config.gamma ?? TRAIN_DEFAULTS.gamma,
      warmupSteps: Math.round((config.warmupEpochs ?? TRAIN_DEFAULTS.warmupEpochs) * stepsPerEpoch),
    };
    const dir = checkpointDir(config.out);
    fs.mkdirSync(dir, { recursive: true });
    const checkpointFile = path.join(dir, 'last.ckpt');
    const history: EpochMetrics[] = resumed ? [...resumed.history] : [];
    let bestValLoss = resumed?.bestValLoss ?? Infinity;
    let epochsWithoutImprovement = resumed?.epochsWithoutImprovement ?? 0;
    let step = resumed?.step ?? 0;
    let lastCheckpoint = resumed ? config.resume! : '';
    let stoppedEarly = false;
    let stopped = false;
    let stoppedMidEpoch = false;
    let lastEvaluation: Evaluation | undefined;
    const size = sampleSize(shape);
    const buffer = new Float32Array(batchSize * size);
    const stepEventSeconds = options.stepEventSeconds ?? 0.25;
    const runStarted = performance.now();
    let stepsThisRun = 0;

    for (let epoch = resumed?.epoch ?? 0; epoch < epochs && !stopped; epoch++) {
      if (control.stopping) {
        stopped = true;
        break;
      }
      const started = performance.now();
      if (epoch > 0) engine = await reseededEngine(engine, options.createEngine, setup, seed, epoch);
      const order = epochOrder(trainSet.labels, classCount, epochRandom(seed, epoch, PURPOSE_ORDER), config.oversample);
      const augmentRandom = epochRandom(seed, epoch, PURPOSE_AUGMENT);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastStepEvent = 0;
      for (let first = 0; first < order.length; first += batchSize) {
        await control.checkpoint(() => emit({ type: 'paused' }), () => emit({ type: 'resumed' }));
        if (control.stopping) {
          stopped = stoppedMidEpoch = true;
          break;
        }
        const n = Math.min(batchSize, order.length - first);
        const indices = order.subarray(first, first + n);
        const batch = buffer.subarray(0, n * size);
        await trainSet.gather(indices, batch);
        if (augmenter.active) augmenter.apply(batch, n, augmentRandom);
        const targets = batchTargets(trainSet, indices, classCount, binary);
        const dims = batchDims(shape, n);
        const learningRate = learningRateAt(step, schedule);
        const soft = teacher ? await teacher.softTargets(batch, dims) : undefined;
        const result = await engine.trainStep(batch, dims, targets, learningRate, soft);
        if (!Number.isFinite(result.loss)) throw new Error(`the loss became ${result.loss} at epoch ${epoch + 1}, step ${step + 1} (learning rate ${learningRate}); try a lower learning rate`);
        step++;
        stepsThisRun++;
        lossSum += result.loss * n;
        seen += n;
        correct += correctCount(result.logits, targets, n, classCount, multiLabel);
        const now = performance.now();
        const last = first + n >= order.length;
        if (last || (now - lastStepEvent) / 1000 >= stepEventSeconds) {
          lastStepEvent = now;
          const secondsPerStep = (now - runStarted) / 1000 / stepsThisRun;
          emit({
            type: 'step', epoch: epoch + 1, step: first / batchSize + 1, stepsPerEpoch, loss: result.loss, accuracy: correct / seen, learningRate,
            imagesPerSec: seen / ((now - started) / 1000), etaSeconds: secondsPerStep * (schedule.totalSteps - step),
          });
        }
      }
      if (stopped) break;
      const trainSeconds = (performance.now() - started) / 1000;
      lastEvaluation = valSet.files.length > 0 ? await evaluate(engine, valSet, batchSize, binary, multiLabel) : undefined;
      const report = multiLabelMetrics(lastEvaluation, valSet, split.classes);
      const metrics: EpochMetrics = {
        epoch: epoch + 1, loss: lossSum / seen, accuracy: correct / seen,
        valLoss: lastEvaluation?.loss ?? Number.NaN, valAccuracy: lastEvaluation?.accuracy ?? Number.NaN,
        learningRate: learningRateAt(Math.max(0, step - 1), schedule), imagesPerSec: seen / trainSeconds, provider: engine.provider,
        seconds: (performance.now() - started) / 1000,
        ...(report ? { valMicroF1: report.microF1, valMacroF1: report.macroF1, valMeanAP: report.meanAveragePrecision } : {}),
      };
      history.push(metrics);
      const monitored = Number.isFinite(metrics.valLoss) ? metrics.valLoss : metrics.loss;
      if (monitored < bestValLoss) {
        bestValLoss = monitored;
        epochsWithoutImprovement = 0;
      } else epochsWithoutImprovement++;
      writeCheckpoint(checkpointFile, {
        format: 'cnn-studio-checkpoint', version: 1, epoch: epoch + 1, step, random: { seed, nextEpoch: epoch + 1 },
        config: { ...config, resume: undefined }, classes: split.classes, preprocessing, history, bestValLoss, epochsWithoutImprovement,
        tensors: await engine.state(),
      });
      lastCheckpoint = checkpointFile;
      emit({ type: 'epoch', metrics, checkpoint: checkpointFile });
      if (config.watchImages?.length) {
        for (const picture of await explainTrainedModel(engine, config.out, preprocessing, config.watchImages)) emit({ type: 'gradcam', epoch: epoch + 1, image: picture.image, png: picture.png });
      }
      if (config.earlyStopping && epochsWithoutImprovement >= config.earlyStopping) {
        stoppedEarly = true;
        break;
      }
    }

    if (stopped) {
      emit({ type: 'stopped', checkpoint: lastCheckpoint });
      if (!lastCheckpoint) return undefined;
      // The output is the model of the last completed epoch, the one the checkpoint holds.
      if (stoppedMidEpoch) await engine.load(readCheckpoint(lastCheckpoint).tensors);
      if (stoppedMidEpoch || !lastEvaluation) lastEvaluation = valSet.files.length > 0 ? await evaluate(engine, valSet, batchSize, binary, multiLabel) : undefined;
    }
    await engine.save(config.out);
    const summary = summarize(history[history.length - 1], config.out, split.classes, valSet, lastEvaluation, lastCheckpoint, stoppedEarly);
    emit({ type: 'finished', summary });
    return summary;
  } finally {
    await teacher?.release();
    await engine.release();
  }
}

/**
 * The engine rebuilt for `epoch` with the same weights and optimizer state. Random operators inside an engine (Dropout
 * masks drawn by onnxruntime) are seeded when it is built and cannot be rewound; building it afresh at every epoch with a
 * seed of (seed, epoch) makes their draws a function of the epoch, so a run resumed from a checkpoint draws what the
 * uninterrupted run drew.
 */
async function reseededEngine(engine: StepEngine, createEngine: StepEngineFactory, setup: StepEngineSetup, seed: number, epoch: number): Promise<StepEngine> {
  const state = await engine.state();
  await engine.release();
  const epochSeed = Math.floor(epochRandom(seed, epoch, PURPOSE_ENGINE)() * 0x7fffffff);
  const fresh = await createEngine({ ...setup, config: { ...setup.config, seed: epochSeed } });
  await fresh.load(state);
  return fresh;
}

const TOP_LOSSES = 12;

/** Multi-label validation metrics at threshold 0.5, for an evaluation of multi-label data. */
function multiLabelMetrics(evaluation: Evaluation | undefined, valSet: ImageSet, classes: string[]): MultiLabelReport | undefined {
  return evaluation?.probabilities && valSet.targets ? multiLabelReport(evaluation.probabilities, valSet.targets, classes) : undefined;
}

function summarize(last: EpochMetrics | undefined, output: string, classes: string[], valSet: ImageSet, evaluation: Evaluation | undefined, checkpoint: string, stoppedEarly: boolean): TrainSummary {
  if (!last) throw new Error('no epoch completed');
  const ranked = evaluation ? Array.from(evaluation.losses.keys()).sort((a, b) => evaluation.losses[b] - evaluation.losses[a]).slice(0, TOP_LOSSES) : [];
  const multiLabel = multiLabelMetrics(evaluation, valSet, classes);
  if (multiLabel) {
    const count = classes.length;
    const names = (values: ArrayLike<number>, row: number, limit: number) => classes.filter((_, k) => values[row * count + k] >= limit).join(', ');
    return {
      ...last, output, classes, confusion: [], perClass: multiLabel.perClass, multiLabel,
      topLosses: ranked.map((i) => ({ file: valSet.files[i], label: names(valSet.targets!, i, 0.5), predicted: names(evaluation!.probabilities!, i, multiLabel.threshold), loss: evaluation!.losses[i] })),
      validation: [], checkpoint, stoppedEarly,
    };
  }
  const confusion = evaluation ? confusionMatrix(valSet.labels, evaluation.predicted, classes.length) : classes.map(() => classes.map(() => 0));
  return {
    ...last, output, classes, confusion, perClass: perClassReport(confusion, classes),
    topLosses: ranked.map((i) => ({ file: valSet.files[i], label: classes[valSet.labels[i]], predicted: classes[evaluation!.predicted[i]], loss: evaluation!.losses[i] })),
    validation: evaluation ? valSet.files.map((file, i) => ({ file, actual: valSet.labels[i], predicted: evaluation.predicted[i] })) : [],
    checkpoint, stoppedEarly,
  };
}
