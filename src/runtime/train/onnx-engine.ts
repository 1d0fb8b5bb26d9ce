import type * as Ort from 'onnxruntime-node';
import { encodeModel, OnnxModel } from '../onnx/codec';
import { DataType, tensorDims, tensorValues } from '../onnx/dtypes';
import { realInputs } from '../onnx/graph';
import { createSession, onnxruntime, sessionExecution, SessionOptions } from '../onnx/session';
import { makeTensor } from '../grad/emitter';
import { writeFileAtomic } from '../images/sidecar';
import { MULTI_LABEL_METADATA } from '../predict/classify';
import { CLASS_NAMES_METADATA_KEY, classNamesMetadata } from '../predict/labels';
import { seededRandom } from '../random';
import { buildSmallCnn, SMALL_CNN_NAME } from './builtin-small-cnn';
import { findClassifierHead, HeadMismatchError, replaceClassifierHead } from './head';
import { appendOptimizer, OptimizerSpec, stateName, stateSlots, stepScalars } from './optimizer-graph';
import { buildTrainingGraph, freeBatchDimension, initializersAsInputs, LossSpec, TARGETS_INPUT, TEACHER_INPUT, trainableWeights } from './training-graph';
import type { StepEngine, TrainConfig } from './types';

export interface OnnxStepEngineOptions {
  model: OnnxModel | typeof SMALL_CNN_NAME;
  /** The dims of one training batch, NCHW: [batch, channels, height, width]. */
  dims: number[];
  classes: number;
  config: TrainConfig;
  /** The image input (default: the model's first input that is not a weight). */
  inputName?: string;
  /** Seeds the new head, the built-in CNN's weights and Dropout's masks (default: config.seed, else 0). */
  seed?: number;
  /** Per-class loss weights, for `classWeights: 'balanced'` resolved from the data's class counts. */
  classWeights?: number[];
  /** The data's class names, one per class: the saved model records them (see CLASS_NAMES_METADATA_KEY). */
  classNames?: readonly string[];
  session?: SessionOptions;
}

/** A tensor kept as two buffers: a step reads `current` and writes the next value into `next`, then they swap. */
interface DoubleBuffer {
  current: Float32Array;
  next: Float32Array;
  dims: number[];
}

function doubleBuffer(values: Float32Array, dims: number[]): DoubleBuffer {
  return { current: Float32Array.from(values), next: new Float32Array(values.length), dims };
}

const OPTIMIZER_STEP_KEY = 'optimizer.step';

function lossSpec(config: TrainConfig): LossSpec {
  if (config.teacher) return { kind: 'distillation', temperature: config.temperature ?? 4, alpha: config.alpha ?? 0.5 };
  switch (config.loss ?? 'cross-entropy') {
    case 'focal': return { kind: 'focal', gamma: config.focalGamma ?? 2 };
    case 'binary-cross-entropy': return { kind: 'binary-cross-entropy' };
    default: return { kind: 'cross-entropy' };
  }
}

function optimizerSpec(config: TrainConfig): OptimizerSpec {
  const name = config.optimizer ?? 'adam';
  return {
    name,
    momentum: config.momentum ?? (name === 'sgd' ? 0.9 : 0),
    nesterov: config.nesterov ?? false,
    weightDecay: config.weightDecay ?? (name === 'adamw' ? 0.01 : 0),
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
  };
}

/**
 * Per-example targets shaped like the logits, so that the graph's loss is Σ targets·(−log p) / batch:
 * cross-entropy with label smoothing ε and class weights w as PyTorch computes it, i.e.
 * ((1 − ε)·w_y·onehot + ε/C·w) / mean(w_y); focal loss: w_y·onehot; binary cross-entropy: the multi-hot labels.
 */
export function lossTargets(loss: LossSpec, labels: Int32Array | Float32Array, batch: number, classes: number, smoothing: number, weights?: number[]): Float32Array {
  if (loss.kind === 'binary-cross-entropy') {
    if (!(labels instanceof Float32Array) || labels.length !== batch * classes) throw new Error(`binary cross-entropy needs multi-hot labels: ${batch}×${classes} floats`);
    return labels;
  }
  if (labels.length !== batch) throw new Error(`expected ${batch} labels (one class index per image), got ${labels.length}`);
  const weightOf = (c: number) => (weights ? weights[c] : 1);
  const targets = new Float32Array(batch * classes);
  let weightSum = 0;
  for (let i = 0; i < batch; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`label ${label} is not a class index below ${classes}`);
    weightSum += weightOf(label);
  }
  const smooth = loss.kind === 'focal' ? 0 : smoothing;
  const normalizer = loss.kind === 'focal' ? 1 : batch / weightSum;
  for (let i = 0; i < batch; i++) {
    const row = i * classes;
    if (smooth > 0) for (let c = 0; c < classes; c++) targets[row + c] = (smooth / classes) * weightOf(c) * normalizer;
    targets[row + labels[i]] += (1 - smooth) * weightOf(labels[i]) * normalizer;
  }
  return targets;
}

/** Prepares the model to train: the built-in CNN, or the user's with its head checked or replaced and a free batch size. */
function trainableModel(options: OnnxStepEngineOptions, seed: number): { model: OnnxModel; inputName: string; logitsName: string } {
  const { config, classes } = options;
  if (options.model === SMALL_CNN_NAME) {
    const [, channels, height, width] = options.dims;
    const model = buildSmallCnn({ channels, height, width, classes, seed });
    return { model, inputName: model.graph.input[0].name, logitsName: model.graph.output[0].name };
  }
  let model = options.model;
  const inputName = options.inputName ?? realInputs(model.graph)[0]?.name;
  if (!inputName) throw new Error('the model has no input to feed images to');
  if (model.graph.output.length !== 1) throw new Error(`training needs a classifier with one output (logits); the model has ${model.graph.output.length}`);
  const logitsName = model.graph.output[0].name;
  if (config.newHead) model = replaceClassifierHead(model, logitsName, classes, seededRandom(seed));
  else {
    const head = findClassifierHead(model, logitsName);
    if (head.classes !== classes) {
      throw new HeadMismatchError(`the model's head '${head.linear.name || head.weight}' has ${head.classes} outputs but the data has ${classes} classes: train a new head (--new-head) for them`);
    }
  }
  return { model: freeBatchDimension(model, inputName), inputName, logitsName };
}

/**
 * Trains an ONNX classifier with onnxruntime: one session run does the forward pass in training mode, the loss,
 * the backward pass and the optimizer update, returning the new weights, optimizer state and BatchNormalization
 * statistics into preallocated buffers that the next step reads (no copies through JS between steps).
 */
export class OnnxStepEngine implements StepEngine {
  readonly provider: string;
  readonly providerFallback?: string;
  private readonly weights = new Map<string, DoubleBuffer>();
  private readonly states = new Map<string, DoubleBuffer>();
  private readonly statistics = new Map<string, DoubleBuffer>();
  private step = 0;
  private inference?: Ort.InferenceSession;

  private constructor(
    readonly classes: number,
    /** The inference model as it will be saved, with the weights it started from. */
    private readonly model: OnnxModel,
    private readonly inputName: string,
    private readonly logitsName: string,
    private readonly loss: LossSpec,
    private readonly optimizer: OptimizerSpec,
    private readonly graph: { lossName: string; updatedWeights: Record<string, string>; updatedStates: Record<string, string>; updatedStatistics: Record<string, string> },
    private readonly session: Ort.InferenceSession,
    private readonly settings: { smoothing: number; classWeights?: number[]; classNames?: readonly string[]; sessionOptions: SessionOptions },
  ) {
    ({ provider: this.provider, fallback: this.providerFallback } = sessionExecution(session));
    const stored = new Map(model.graph.initializer.map((tensor) => [tensor.name ?? '', tensor]));
    const values = (name: string) => Float32Array.from(tensorValues(stored.get(name)!) as Float32Array);
    for (const name of Object.keys(graph.updatedWeights)) {
      const dims = tensorDims(stored.get(name)!);
      this.weights.set(name, doubleBuffer(values(name), dims));
      for (const slot of stateSlots(optimizer)) this.states.set(stateName(name, slot), doubleBuffer(new Float32Array(values(name).length), dims));
    }
    for (const name of Object.keys(graph.updatedStatistics)) this.statistics.set(name, doubleBuffer(values(name), tensorDims(stored.get(name)!)));
  }

  static async create(options: OnnxStepEngineOptions): Promise<OnnxStepEngine> {
    const { config, classes } = options;
    const seed = options.seed ?? config.seed ?? 0;
    const sessionOptions = options.session ?? {};
    const { model, inputName, logitsName } = trainableModel(options, seed);
    const trainable = trainableWeights(model, config.freezeUntil);
    if (trainable.length === 0) throw new Error(config.freezeUntil ? `nothing left to train after freezing up to '${config.freezeUntil}'` : 'the model has no weights to train');
    const loss = lossSpec(config);
    const batch = options.dims[0];
    const sampleFeeds = {
      [inputName]: { data: new Float32Array(options.dims.reduce((a, b) => a * b, 1)), dims: options.dims },
      [TARGETS_INPUT]: { data: new Float32Array(batch * classes), dims: [batch, classes] },
      ...(loss.kind === 'distillation' ? { [TEACHER_INPUT]: { data: new Float32Array(batch * classes), dims: [batch, classes] } } : {}),
    };
    const training = await buildTrainingGraph(model, {
      logitsName, trainable, loss, freezeBatchNorm: config.freezeBatchNorm ?? false, seed, sampleFeeds, sessionOptions,
    });
    const stored = new Map(model.graph.initializer.map((tensor) => [tensor.name ?? '', tensor]));
    const optimizer = optimizerSpec(config);
    const withUpdate = appendOptimizer(training.model, training.opset,
      trainable.map((name) => ({ name, gradient: training.gradientNames[name], dims: tensorDims(stored.get(name)!) })), optimizer);
    const session = await createSession(withUpdate.model, { ...sessionOptions, memoryPattern: false });
    const smoothing = config.labelSmoothing ?? 0;
    const classWeights = options.classWeights ?? (Array.isArray(config.classWeights) ? config.classWeights : undefined);
    if (classWeights && classWeights.length !== classes) throw new Error(`class weights: ${classWeights.length} given for ${classes} classes`);
    const classNames = options.classNames;
    if (classNames && classNames.length !== classes) throw new Error(`class names: ${classNames.length} given for ${classes} classes`);
    return new OnnxStepEngine(classes, model, inputName, logitsName, loss, optimizer,
      { lossName: training.lossName, updatedWeights: withUpdate.updatedWeights, updatedStates: withUpdate.updatedStates, updatedStatistics: training.statisticNames },
      session, { smoothing, classWeights, classNames, sessionOptions });
  }

  /** The weights a step updates (the frozen ones stay stored in the model). */
  get trainableWeights(): string[] {
    return [...this.weights.keys()];
  }

  async trainStep(batch: Float32Array, dims: number[], labels: Int32Array | Float32Array, learningRate: number, soft?: Float32Array): Promise<{ loss: number; logits: Float32Array }> {
    const ort = onnxruntime();
    const tensor = (data: Float32Array, shape: number[]) => new ort.Tensor('float32', data, shape);
    const count = dims[0];
    const targets = lossTargets(this.loss, labels, count, this.classes, this.settings.smoothing, this.settings.classWeights);
    const feeds: Record<string, Ort.Tensor> = { [this.inputName]: tensor(batch, dims), [TARGETS_INPUT]: tensor(targets, [count, this.classes]) };
    if (this.loss.kind === 'distillation') {
      if (!soft || soft.length !== count * this.classes) throw new Error(`distillation needs the teacher's logits for the batch (${count}×${this.classes})`);
      feeds[TEACHER_INPUT] = tensor(soft, [count, this.classes]);
    }
    this.step++;
    for (const [name, value] of Object.entries(stepScalars(this.optimizer, this.step, learningRate))) feeds[name] = tensor(Float32Array.of(value), []);
    const fetches: Record<string, Ort.Tensor | null> = { [this.graph.lossName]: null, [this.logitsName]: null };
    const wire = (buffers: Map<string, DoubleBuffer>, outputs: Record<string, string>) => {
      for (const [name, buffer] of buffers) {
        feeds[name] = tensor(buffer.current, buffer.dims);
        fetches[outputs[name]] = tensor(buffer.next, buffer.dims);
      }
    };
    wire(this.weights, this.graph.updatedWeights);
    wire(this.states, this.graph.updatedStates);
    wire(this.statistics, this.graph.updatedStatistics);
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds, fetches);
    } catch (error) {
      this.step--;
      throw error;
    }
    for (const buffers of [this.weights, this.states, this.statistics]) {
      for (const buffer of buffers.values()) [buffer.current, buffer.next] = [buffer.next, buffer.current];
    }
    return { loss: Number(results[this.graph.lossName].data[0]), logits: results[this.logitsName].data as Float32Array };
  }

  async predict(batch: Float32Array, dims: number[]): Promise<Float32Array> {
    const ort = onnxruntime();
    this.inference ??= await createSession(initializersAsInputs(this.model, [...this.weights.keys(), ...this.statistics.keys()]), this.settings.sessionOptions);
    const feeds: Record<string, Ort.Tensor> = { [this.inputName]: new ort.Tensor('float32', batch, dims) };
    for (const [name, buffer] of [...this.weights, ...this.statistics]) feeds[name] = new ort.Tensor('float32', buffer.current, buffer.dims);
    const results = await this.inference.run(feeds, [this.logitsName]);
    return results[this.logitsName].data as Float32Array;
  }

  async state(): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
    const state: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const [name, buffer] of [...this.weights, ...this.statistics, ...this.states]) state[name] = { data: buffer.current.slice(), dims: [...buffer.dims] };
    state[OPTIMIZER_STEP_KEY] = { data: Float32Array.of(this.step), dims: [1] };
    return state;
  }

  async load(state: Record<string, { data: Float32Array; dims: number[] }>): Promise<void> {
    for (const [name, buffer] of [...this.weights, ...this.statistics, ...this.states]) {
      const saved = state[name];
      if (!saved) throw new Error(`the checkpoint has no tensor '${name}'`);
      if (saved.data.length !== buffer.current.length) throw new Error(`checkpoint tensor '${name}' has ${saved.data.length} values, the model needs ${buffer.current.length}`);
      buffer.current.set(saved.data);
    }
    this.step = state[OPTIMIZER_STEP_KEY]?.data[0] ?? 0;
  }

  /**
   * The inference model with the trained weights and running statistics (BatchNormalization and Dropout in inference
   * form), whether its outputs are sigmoid logits and the names of its classes.
   */
  trainedModel(): OnnxModel {
    const replaced = new Map([...this.weights, ...this.statistics]);
    const initializer = this.model.graph.initializer.map((tensor) => {
      const buffer = replaced.get(tensor.name ?? '');
      return buffer ? makeTensor(tensor.name!, DataType.FLOAT, buffer.dims, buffer.current) : tensor;
    });
    // A model trained with binary cross-entropy outputs independent per-class logits: recorded so that predict and
    // explain read them through sigmoids. The data's class names replace any the model carried.
    const names = this.settings.classNames;
    const metadata = (this.model.metadata_props ?? []).filter((entry) => entry.key !== MULTI_LABEL_METADATA.key && !(names && entry.key === CLASS_NAMES_METADATA_KEY));
    if (this.loss.kind === 'binary-cross-entropy') metadata.push({ ...MULTI_LABEL_METADATA });
    if (names) metadata.push(classNamesMetadata(names));
    return { ...this.model, metadata_props: metadata, graph: { ...this.model.graph, initializer } };
  }

  async save(file: string): Promise<void> {
    writeFileAtomic(file, encodeModel(this.trainedModel()));
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.inference?.release();
    this.inference = undefined;
  }
}

export function createOnnxStepEngine(options: OnnxStepEngineOptions): Promise<OnnxStepEngine> {
  return OnnxStepEngine.create(options);
}
