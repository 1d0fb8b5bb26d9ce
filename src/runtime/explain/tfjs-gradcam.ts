import type * as Tf from '@tensorflow/tfjs';
import { imageToTensor } from '../images';
import { resolvePreprocessing } from '../images/resolve';
import type { Preprocessing } from '../images/types';
import { classProbabilities, isMultiLabelModel } from '../predict/classify';
import { loadTfjsModel, tfjsInputFacts } from '../predict/tfjs-model';
import { initTfjsBackend, loadTfjs } from '../tfjs/backend';
import { attributionMethod } from './methods';
import type { ObjectiveKind } from './objective';
import { explainGraphModel } from './tfjs-graph';
import { nhwcToNchw, type FloatMap } from './tensor-math';
import type { Activation, ExplainContext } from './methods/types';

type TfModule = typeof Tf;

/** Loads a tfjs layers model (model.json and its weight shards) from disk. */
export async function loadLayersModelFile(tf: TfModule, modelJson: string): Promise<Tf.LayersModel> {
  const loaded = await loadTfjsModel(tf, modelJson);
  if (loaded.kind !== 'layers') {
    loaded.model.dispose();
    throw new Error(`${modelJson}: a tfjs graph model, not a layers model`);
  }
  return loaded.model;
}

/**
 * Whether the layer's output is channels-first (NCHW): its own data format, or the nearest one upstream (an
 * Activation, Dropout or BatchNormalization after a channels-first Conv2D keeps its layout).
 */
export function isChannelsFirst(layer: Tf.layers.Layer): boolean {
  const seen = new Set<Tf.layers.Layer>();
  const queue = [layer];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const format = (current.getConfig() as { dataFormat?: string }).dataFormat;
    if (format) return format === 'channelsFirst';
    for (const node of current.inboundNodes) queue.push(...node.inboundLayers);
  }
  return false;
}

/** The H and W axes of a 4-D layer output. */
function spatialAxes(layer: Tf.layers.Layer): [number, number] {
  return isChannelsFirst(layer) ? [2, 3] : [1, 2];
}

/**
 * The last layer with spatial extent (H and W > 1, in its own layout), or the named one. `bound` gives the output
 * shapes of layers whose declared shapes leave H or W open (a fully convolutional model), measured at the input's size.
 */
export function tfjsTargetLayer(model: Tf.LayersModel, name?: string, bound: Map<string, number[]> = new Map()): Tf.layers.Layer {
  if (name) return model.getLayer(name);
  const spatial = model.layers.filter((layer) => {
    const shape = bound.get(layer.name) ?? (layer.outputShape as (number | null)[]);
    if (!Array.isArray(shape) || shape.length !== 4) return false;
    const [h, w] = spatialAxes(layer);
    return (shape[h] ?? 0) > 1 && (shape[w] ?? 0) > 1;
  });
  if (spatial.length === 0) throw new Error('the model has no layer with spatial extent to explain');
  return spatial[spatial.length - 1];
}

/** A layer output as the methods take it, NCHW: channels-first outputs as they are, channels-last ones transposed. */
function asNchw(data: Float32Array, dims: number[], channelsFirst: boolean): Activation {
  return channelsFirst ? { data, dims } : nhwcToNchw(data, dims);
}

/** Output shapes, at this input, of the 4-D layers whose declared H or W is open (one forward pass of them all). */
function boundLayerShapes(tf: TfModule, model: Tf.LayersModel, input: Tf.Tensor): Map<string, number[]> {
  const open = model.layers.filter((layer) => {
    const shape = layer.outputShape as (number | null)[];
    if (!Array.isArray(shape) || shape.length !== 4 || layer.getClassName() === 'InputLayer') return false;
    const [h, w] = spatialAxes(layer);
    return shape[h] === null || shape[w] === null;
  });
  if (open.length === 0) return new Map();
  const probe = tf.model({ inputs: model.inputs, outputs: open.map((layer) => layer.output as Tf.SymbolicTensor) });
  const outputs = probe.predict(input) as Tf.Tensor | Tf.Tensor[];
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const shapes = new Map(open.map((layer, i) => [layer.name, list[i].shape]));
  tf.dispose(list);
  return shapes;
}

/** The layers from the target to the output, when they form a single chain (each feeds only the next). */
function headChain(model: Tf.LayersModel, target: Tf.layers.Layer): Tf.layers.Layer[] {
  const chain: Tf.layers.Layer[] = [];
  let current = target;
  const output = model.outputLayers[0];
  while (current !== output) {
    const consumers = model.layers.filter((layer) => layer.inboundNodes.some((node) => node.inboundLayers.includes(current)));
    const next = consumers[0];
    if (consumers.length !== 1 || next.inboundNodes.length !== 1 || next.inboundNodes[0].inboundLayers.length !== 1) {
      throw new Error(`Grad-CAM on tfjs models needs a single chain of layers after ${target.name}; ${current.name} branches`);
    }
    chain.push(next);
    current = next;
  }
  return chain;
}

export interface TfjsExplanation {
  method: string;
  /** The tfjs backend it ran on. */
  backend: string;
  /** The target layer (a node of a graph model); null for a graph model's pixel methods, which need none. */
  layer: string | null;
  /** The target layer's output shape, as the model computes it (NHWC unless the layer or graph is channels-first). */
  layerDims: number[] | null;
  /** What the score is, by the output's kind (see outputObjective); class outputs for layers models. */
  objective: { kind: ObjectiveKind; description: string };
  targetClass: number;
  /** The model output at the class; probability is its sigmoid for a multi-label model, that value when the output is a distribution, else its softmax. */
  score: number;
  probability: number;
  cam: FloatMap;
  preprocessing: Preprocessing;
}

/**
 * Any attribution method of a tfjs model; graph models go to explainGraphModel. For a layers model: the trunk up to the target layer gives the activation, tf.grad of
 * the class score through the head (the layers after it) gives its gradient, tf.grad through the whole model the
 * input gradients, predictions the scores. Runs on the given tfjs backend, by default the best one initTfjsBackend
 * finds. Open spatial dims are bound at the preprocessed input's size before the layer is chosen.
 */
export async function explainTfjsModel(
  modelJson: string,
  image: string | Buffer,
  options: { method?: string; layer?: string; targetClass?: number; overrides?: Partial<Preprocessing>; backend?: string } = {},
): Promise<TfjsExplanation> {
  const tf = loadTfjs();
  const chosen = await initTfjsBackend();
  const backend = options.backend ?? chosen.backend;
  if (!(await tf.setBackend(backend))) throw new Error(`the tfjs backend ${backend} does not initialize`);
  const method = attributionMethod(options.method ?? 'gradcam');
  const loaded = await loadTfjsModel(tf, modelJson);
  if (loaded.kind === 'graph') {
    try {
      return await explainGraphModel(tf, loaded.model, modelJson, image, method, { ...options, backend });
    } finally {
      loaded.model.dispose();
    }
  }
  const model = loaded.model;
  try {
    const facts = tfjsInputFacts(loaded);
    const preprocessing = resolvePreprocessing(modelJson, facts, options.overrides);
    const { data, dims } = await imageToTensor(image, preprocessing);
    const input = tf.tensor(data, dims);
    const target = tfjsTargetLayer(model, options.layer, boundLayerShapes(tf, model, input));
    const trunk = tf.model({ inputs: model.inputs, outputs: target.output as Tf.SymbolicTensor });
    const predict = (x: Tf.Tensor) => model.predict(x) as Tf.Tensor;
    const output = predict(input);
    const scores = await output.data();
    tf.dispose(output);
    const targetClass = options.targetClass ?? scores.indexOf(Math.max(...scores));
    if (!(targetClass >= 0 && targetClass < scores.length)) throw new Error(`class ${targetClass} is outside the output's ${scores.length} classes`);
    const multiLabel = isMultiLabelModel(facts.metadata);
    const probabilityOf = (values: ArrayLike<number>) => classProbabilities(values, multiLabel).probabilities[targetClass];
    const activation = trunk.predict(input) as Tf.Tensor;
    const layerDims = activation.shape;
    const channelsFirst = isChannelsFirst(target);
    const activationNchw = asNchw(await activation.data() as Float32Array, activation.shape, channelsFirst);
    const classScore = (x: Tf.Tensor) => predict(x).slice([0, targetClass], [1, 1]).sum();
    const each = async <T>(inputs: Float32Array[], run: (x: Tf.Tensor) => Promise<T>) => {
      const results: T[] = [];
      for (const values of inputs) {
        const x = tf.tensor(values, dims);
        try { results.push(await run(x)); } finally { x.dispose(); }
      }
      return results;
    };
    const outputValues = (x: Tf.Tensor) => tf.tidy(() => predict(x)).data();
    const context: ExplainContext = {
      input: data, inputDims: dims, layout: preprocessing.layout, targetClass,
      layerGradient: async () => {
        const head = headChain(model, target);
        const gradient = tf.grad((x: Tf.Tensor) => head.reduce((tensor, layer) => layer.apply(tensor) as Tf.Tensor, x).slice([0, targetClass], [1, 1]).sum())(activation);
        try { return { activation: activationNchw, gradient: asNchw(await gradient.data() as Float32Array, gradient.shape, channelsFirst) }; } finally { gradient.dispose(); }
      },
      layerActivation: async () => activationNchw,
      inputGradients: async (inputs) => {
        const results = await each(inputs, async (x) => {
          const { value, grad } = tf.valueAndGrad(classScore)(x);
          try { return { gradient: Float32Array.from(await grad.data()), score: (await value.data())[0] }; } finally { tf.dispose([value, grad]); }
        });
        return { gradients: results.map((r) => r.gradient), scores: results.map((r) => r.score) };
      },
      scores: (inputs) => each(inputs, async (x) => (await outputValues(x))[targetClass]),
      probabilities: (inputs) => each(inputs, async (x) => probabilityOf(await outputValues(x))),
    };
    try {
      const cam = await method.compute(context);
      const objective = { kind: 'classification' as const, description: `the class ${targetClass} output` };
      return { method: method.name, backend, layer: target.name, layerDims, objective, targetClass, score: scores[targetClass], probability: probabilityOf(scores), cam, preprocessing };
    } finally {
      tf.dispose([input, activation]);
    }
  } finally {
    model.dispose();
  }
}
