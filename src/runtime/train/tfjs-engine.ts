import type * as Tf from '@tensorflow/tfjs';
import { MULTI_LABEL_METADATA } from '../predict/classify';
import { CLASS_NAMES_METADATA_KEY } from '../predict/labels';
import { loadTfjsModel } from '../predict/tfjs-model';
import { initTfjsBackend } from '../tfjs/backend';
import type { ManifestWeight } from '../tfjs/manifest';
import { writeTfjsModel } from '../tfjs/write-model';
import type { StepEngine, TrainConfig } from './types';

type TfModule = typeof Tf;
type State = Record<string, { data: Float32Array; dims: number[] }>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadTf = () => require('@tensorflow/tfjs') as TfModule;

/** Probabilities are clipped before the log, as Keras does for losses on softmax outputs. */
const EPSILON = 1e-7;

export interface TfjsEngineOptions {
  /** Per-class loss weights, resolved by the caller (config.classWeights 'balanced' needs the class counts). */
  classWeights?: number[];
  /** The data's class names, one per class: the saved model.json records them in its userDefinedMetadata (see CLASS_NAMES_METADATA_KEY). */
  classNames?: readonly string[];
}

/** Layers up to and including `name` stop training; the error lists the layers when the name is not one of them. */
function freezeUntil(model: Tf.LayersModel, name: string, modelFile: string): void {
  const index = model.layers.findIndex((layer) => layer.name === name);
  if (index < 0) {
    const names = model.layers.map((layer) => layer.name);
    throw new Error(`${modelFile}: no layer named "${name}" to freeze up to (layers: ${names.slice(0, 5).join(', ')} … ${names.slice(-5).join(', ')})`);
  }
  model.layers.forEach((layer, i) => { layer.trainable = i > index ? layer.trainable : false; });
}

/**
 * The model as trained (its output: logits) and as saved (its output: what the user's model gives, probabilities when
 * it ended in softmax). A new head is a Dense layer of `classes` units on the input of the model's last Dense layer;
 * the saved model puts a softmax on it, or, for multi-label training (binary cross-entropy), keeps its logits: the
 * saved model then records that its outputs are read through a sigmoid each (MULTI_LABEL_METADATA), as ONNX models do.
 */
function withHead(tf: TfModule, model: Tf.LayersModel, config: TrainConfig, classes: number, modelFile: string): { training: Tf.LayersModel; saved: Tf.LayersModel; logitsOut: boolean; newLayers: Tf.layers.Layer[] } {
  const last = model.layers[model.layers.length - 1];
  const lastConfig = last.getConfig() as { activation?: string; units?: number };
  const multiLabel = config.loss === 'binary-cross-entropy';
  if (!config.newHead) {
    const outputs = (model.outputs[0].shape as (number | null)[]).at(-1);
    if (outputs !== classes) throw new Error(`${modelFile}: the head has ${outputs} outputs but the data has ${classes} classes; train a new head (newHead / --new-head)`);
    if (multiLabel && (lastConfig.activation ?? 'linear') !== 'linear') {
      throw new Error(`${modelFile}: multi-label training needs a model that outputs logits, but its last layer "${last.name}" ends in ${lastConfig.activation}; train a new head (newHead / --new-head)`);
    }
    return { training: model, saved: model, logitsOut: lastConfig.activation !== 'softmax', newLayers: [] };
  }
  if (last.getClassName() !== 'Dense') throw new Error(`${modelFile}: a new head replaces the last layer, which must be Dense (it is ${last.getClassName()} "${last.name}")`);
  const features = last.input as Tf.SymbolicTensor;
  const taken = new Set(model.layers.map((layer) => layer.name));
  let name = 'new_head';
  for (let i = 1; taken.has(name); i++) name = `new_head_${i}`;
  const kernelInitializer = tf.initializers.glorotUniform({ seed: config.seed ?? 0 });
  const head = tf.layers.dense({ units: classes, name, kernelInitializer, biasInitializer: 'zeros' });
  const logits = head.apply(features) as Tf.SymbolicTensor;
  const training = tf.model({ inputs: model.inputs, outputs: logits });
  if (multiLabel) return { training, saved: tf.model({ inputs: model.inputs, outputs: logits, name: model.name }), logitsOut: true, newLayers: [head] };
  const softmax = tf.layers.activation({ activation: 'softmax', name: `${name}_softmax` });
  const probabilities = softmax.apply(logits) as Tf.SymbolicTensor;
  return { training, saved: tf.model({ inputs: model.inputs, outputs: probabilities, name: model.name }), logitsOut: true, newLayers: [head, softmax] };
}

/** The optimizers as PyTorch defines them: SGD (momentum, Nesterov, L2 weight decay), Adam (L2), AdamW (decoupled). */
class Optimizer {
  private step = 0;
  private readonly slots = new Map<string, Tf.Tensor[]>();

  constructor(private readonly tf: TfModule, private readonly config: TrainConfig) {}

  apply(variables: Tf.Variable[], gradients: Record<string, Tf.Tensor>, learningRate: number): void {
    const tf = this.tf;
    const { optimizer = 'adam', momentum = optimizer === 'sgd' ? 0.9 : 0, nesterov = false, weightDecay = 0 } = this.config;
    this.step++;
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
    for (const variable of variables) {
      const gradient = gradients[variable.name];
      if (!gradient) continue;
      tf.tidy(() => {
        let g = optimizer !== 'adamw' && weightDecay ? gradient.add(variable.mul(weightDecay)) : gradient;
        const previous = this.slots.get(variable.name);
        let next: Tf.Tensor[];
        let update: Tf.Tensor;
        if (optimizer === 'sgd') {
          if (momentum) {
            const buffer = previous ? previous[0].mul(momentum).add(g) : g.clone();
            next = [buffer];
            g = nesterov ? g.add(buffer.mul(momentum)) : buffer;
          } else next = [];
          update = g.mul(learningRate);
        } else {
          const m = previous ? previous[0].mul(beta1).add(g.mul(1 - beta1)) : g.mul(1 - beta1);
          const v = previous ? previous[1].mul(beta2).add(g.square().mul(1 - beta2)) : g.square().mul(1 - beta2);
          next = [m, v];
          const mHat = m.div(1 - beta1 ** this.step);
          const vHat = v.div(1 - beta2 ** this.step);
          update = mHat.div(vHat.sqrt().add(eps)).mul(learningRate);
          if (optimizer === 'adamw' && weightDecay) update = update.add(variable.mul(learningRate * weightDecay));
        }
        variable.assign(variable.sub(update));
        previous?.forEach((tensor) => tensor.dispose());
        this.slots.set(variable.name, next.map((tensor) => tf.keep(tensor)));
      });
    }
  }

  state(): State {
    const state: State = { 'optimizer/step': { data: Float32Array.of(this.step), dims: [] } };
    for (const [name, tensors] of this.slots) tensors.forEach((tensor, i) => { state[`optimizer/${name}/${i}`] = { data: tensor.dataSync() as Float32Array, dims: tensor.shape }; });
    return state;
  }

  load(state: State): void {
    this.dispose();
    this.step = state['optimizer/step']?.data[0] ?? 0;
    for (const [key, value] of Object.entries(state)) {
      const match = /^optimizer\/(.+)\/(\d+)$/.exec(key);
      if (!match) continue;
      const slots = this.slots.get(match[1]) ?? [];
      slots[Number(match[2])] = this.tf.tensor(value.data, value.dims);
      this.slots.set(match[1], slots);
    }
  }

  dispose(): void {
    for (const tensors of this.slots.values()) tensors.forEach((tensor) => tensor.dispose());
    this.slots.clear();
  }
}

/**
 * Fine-tunes a TensorFlow.js layers model on the best tfjs backend present (wasm gets the project's backprop kernels):
 * layers up to `freezeUntil` frozen, optionally a new Dense head for the data's classes, one optimizer step per batch
 * with tf.variableGrads. BatchNormalization and Dropout run in training mode unless a frozen backbone
 * (freezeUntil) or freezeBatchNorm keeps them in inference mode, as Keras recommends for fine-tuning.
 * `soft`, when given, holds the teacher's probabilities at temperature T for distillation.
 */
export async function createTfjsEngine(config: TrainConfig, classes: number, options: TfjsEngineOptions = {}): Promise<StepEngine> {
  const tf = loadTf();
  const { backend } = await initTfjsBackend();
  await tf.setBackend(backend);
  const loaded = await loadTfjsModel(tf, config.model);
  if (loaded.kind !== 'layers') throw new Error(`${config.model}: a tfjs graph model holds no trainable layers; fine-tune the Keras (layers) model it was converted from`);
  if (config.freezeUntil) freezeUntil(loaded.model, config.freezeUntil, config.model);
  const { training, saved, logitsOut, newLayers } = withHead(tf, loaded.model, config, classes, config.model);
  const trainingMode = !(config.freezeBatchNorm ?? config.freezeUntil !== undefined);
  const classWeights = options.classWeights ?? (Array.isArray(config.classWeights) ? config.classWeights : undefined);
  if (config.classWeights === 'balanced' && !options.classWeights) throw new Error('balanced class weights need the class counts: pass them resolved as options.classWeights');
  if (classWeights && classWeights.length !== classes) throw new Error(`${classWeights.length} class weights for ${classes} classes`);
  if (options.classNames && options.classNames.length !== classes) throw new Error(`${options.classNames.length} class names for ${classes} classes`);
  // tfjs keeps a layers model's userDefinedMetadata through save and load: the class names go there, as a JSON array,
  // and for multi-label training the sigmoid reading of its logits (the key ONNX models carry in metadata_props).
  const { [MULTI_LABEL_METADATA.key]: _activation, ...metadata } = (saved.getUserDefinedMetadata() ?? {}) as Record<string, unknown>;
  if (options.classNames) metadata[CLASS_NAMES_METADATA_KEY] = [...options.classNames];
  if (config.loss === 'binary-cross-entropy') metadata[MULTI_LABEL_METADATA.key] = MULTI_LABEL_METADATA.value;
  saved.setUserDefinedMetadata(metadata);
  const optimizer = new Optimizer(tf, config);
  // A layer weight's read() is its tf.Variable itself, named like the weight.
  const trainable = () => training.trainableWeights.map((weight) => weight.read() as Tf.Variable);

  const toLogits = (output: Tf.Tensor): Tf.Tensor => (logitsOut ? output : output.clipByValue(EPSILON, 1).log());

  /** Mean loss of the batch from logits: cross-entropy (label smoothing, class weights), focal, or binary cross-entropy; plus distillation. */
  const loss = (logits: Tf.Tensor, labels: Int32Array | Float32Array, soft?: Float32Array): Tf.Scalar => {
    const batch = logits.shape[0]!;
    const name = config.loss ?? 'cross-entropy';
    if (name === 'binary-cross-entropy') return tf.losses.sigmoidCrossEntropy(tf.tensor2d(labels, [batch, classes]), logits) as Tf.Scalar;
    const logProbabilities = tf.logSoftmax(logits);
    const oneHot = tf.oneHot(tf.tensor1d(labels as Int32Array, 'int32'), classes).toFloat();
    const smoothing = config.labelSmoothing ?? 0;
    const target = smoothing ? oneHot.mul(1 - smoothing).add(smoothing / classes) : oneHot;
    let perSample = target.mul(logProbabilities).sum(1).neg();
    if (name === 'focal') perSample = perSample.mul(tf.scalar(1).sub(logProbabilities.exp().mul(oneHot).sum(1)).pow(config.focalGamma ?? 2));
    const weights = classWeights ? oneHot.mul(tf.tensor1d(classWeights)).sum(1) : tf.ones([batch]);
    let total = perSample.mul(weights).sum().div(weights.sum()) as Tf.Scalar;
    if (soft) {
      const temperature = config.temperature ?? 4;
      const alpha = config.alpha ?? 0.5;
      const teacher = tf.tensor2d(soft, [batch, classes]);
      const distilled = teacher.mul(teacher.clipByValue(EPSILON, 1).log().sub(tf.logSoftmax(logits.div(temperature)))).sum(1).mean();
      total = total.mul(1 - alpha).add(distilled.mul(alpha * temperature * temperature)) as Tf.Scalar;
    }
    return total;
  };

  return {
    provider: `tfjs ${backend}`,
    classes,
    async trainStep(batchData, dims, labels, learningRate, soft) {
      const input = tf.tensor(batchData, dims);
      let logitsValues: Float32Array | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = toLogits(training.apply(input, { training: trainingMode }) as Tf.Tensor);
        logitsValues = logits.dataSync() as Float32Array;
        return loss(logits, labels, soft);
      }, trainable());
      const lossValue = (await value.data())[0];
      optimizer.apply(trainable(), grads, learningRate);
      tf.dispose([input, value, ...Object.values(grads)]);
      return { loss: lossValue, logits: Float32Array.from(logitsValues!) };
    },
    async predict(batchData, dims) {
      return tf.tidy(() => toLogits(training.predict(tf.tensor(batchData, dims)) as Tf.Tensor).dataSync() as Float32Array).slice();
    },
    async state() {
      const state: State = {};
      for (const weight of saved.weights) state[`weights/${weight.originalName}`] = { data: weight.read().dataSync() as Float32Array, dims: weight.shape as number[] };
      return { ...state, ...optimizer.state() };
    },
    async load(state) {
      for (const weight of saved.weights) {
        const value = state[`weights/${weight.originalName}`];
        if (!value) throw new Error(`the checkpoint has no weight ${weight.originalName}`);
        const tensor = tf.tensor(value.data, value.dims);
        weight.write(tensor);
        tensor.dispose();
      }
      optimizer.load(state);
    },
    async save(file) {
      let artifacts: Tf.io.ModelArtifacts | undefined;
      await saved.save(tf.io.withSaveHandler(async (result) => {
        artifacts = result;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const weightData = artifacts!.weightData;
      const buffers = Array.isArray(weightData) ? weightData : weightData ? [weightData] : [];
      const bytes = new Uint8Array(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0));
      let offset = 0;
      for (const buffer of buffers) {
        bytes.set(new Uint8Array(buffer), offset);
        offset += buffer.byteLength;
      }
      const json = {
        format: 'layers-model', generatedBy: artifacts!.generatedBy, convertedBy: artifacts!.convertedBy ?? null, modelTopology: artifacts!.modelTopology as Record<string, unknown>,
        ...(artifacts!.userDefinedMetadata ? { userDefinedMetadata: artifacts!.userDefinedMetadata } : {}),
      };
      writeTfjsModel(file, json, (artifacts!.weightSpecs ?? []) as ManifestWeight[], bytes);
    },
    async release() {
      optimizer.dispose();
      // The models share their layers: the loaded model's go once, then the new head's.
      loaded.model.dispose();
      newLayers.forEach((layer) => layer.dispose());
    },
  };
}
