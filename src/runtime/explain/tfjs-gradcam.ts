import type * as Tf from '@tensorflow/tfjs';
import { imageToTensor } from '../images';
import { resolvePreprocessing } from '../images/resolve';
import type { Preprocessing } from '../images/types';
import { isDistribution, softmax } from '../predict/classify';
import { loadTfjsModel } from '../predict/tfjs-model';
import { initTfjsBackend } from '../tfjs/backend';
import { gradCam } from './methods/gradcam';
import { gradCamPlusPlus } from './methods/gradcam-plus-plus';
import type { Activation, AttributionMethod, ExplainContext } from './methods/types';
import type { FloatMap } from './tensor-math';

type TfModule = typeof Tf;

function loadTfjs(): TfModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as TfModule;
}

/** Loads a tfjs layers model (model.json and its weight shards) from disk. */
export async function loadLayersModelFile(tf: TfModule, modelJson: string): Promise<Tf.LayersModel> {
  const loaded = await loadTfjsModel(tf, modelJson);
  if (loaded.kind !== 'layers') throw new Error(`${modelJson}: a graph model, not a layers model`);
  return loaded.model;
}

/** The last layer with spatial extent ([N, H, W, C], H and W > 1), or the named one. */
export function tfjsTargetLayer(model: Tf.LayersModel, name?: string): Tf.layers.Layer {
  if (name) return model.getLayer(name);
  const spatial = model.layers.filter((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return Array.isArray(shape) && shape.length === 4 && (shape[1] ?? 0) > 1 && (shape[2] ?? 0) > 1;
  });
  if (spatial.length === 0) throw new Error('the model has no layer with spatial extent to explain');
  return spatial[spatial.length - 1];
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

function nhwcToNchw(data: Float32Array, [, height, width, channels]: number[]): Activation {
  const out = new Float32Array(data.length);
  const plane = height * width;
  for (let p = 0; p < plane; p++) for (let k = 0; k < channels; k++) out[k * plane + p] = data[p * channels + k];
  return { data: out, dims: [1, channels, height, width] };
}

export interface TfjsExplanation {
  method: string;
  /** The tfjs backend it ran on. */
  backend: string;
  layer: string;
  /** The target layer's output shape (NHWC). */
  layerDims: number[];
  targetClass: number;
  /** The model output at the class; probability is that value when the output is a distribution, else its softmax. */
  score: number;
  probability: number;
  cam: FloatMap;
  preprocessing: Preprocessing;
}

const TFJS_METHODS: Record<string, AttributionMethod> = { gradcam: gradCam, 'gradcam++': gradCamPlusPlus };

/**
 * Grad-CAM / Grad-CAM++ of a tfjs layers model: the trunk up to the target layer gives the activation, tf.grad of
 * the class score through the head (the layers after it) gives the gradient. Runs on the given tfjs backend, by
 * default the best one initTfjsBackend finds.
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
  const method = TFJS_METHODS[options.method ?? 'gradcam'];
  if (!method) throw new Error(`tfjs models support ${Object.keys(TFJS_METHODS).join(', ')}`);
  const model = await loadLayersModelFile(tf, modelJson);
  try {
    const inputShape = model.inputs[0].shape;
    const facts = { name: model.inputs[0].name, dtype: 'float32', dims: inputShape.map((dim) => dim ?? null), producer: 'keras', irVersion: 0, opset: null, metadata: {} };
    const preprocessing = resolvePreprocessing(modelJson, facts, options.overrides);
    const { data, dims } = await imageToTensor(image, preprocessing);
    const target = tfjsTargetLayer(model, options.layer);
    const head = headChain(model, target);
    const trunk = tf.model({ inputs: model.inputs, outputs: target.output as Tf.SymbolicTensor });
    const input = tf.tensor(data, dims);
    const activation = trunk.predict(input) as Tf.Tensor;
    const applyHead = (x: Tf.Tensor) => head.reduce((tensor, layer) => layer.apply(tensor) as Tf.Tensor, x);
    const output = applyHead(activation);
    const scores = await output.data();
    const targetClass = options.targetClass ?? scores.indexOf(Math.max(...scores));
    const gradient = tf.grad((x: Tf.Tensor) => applyHead(x).slice([0, targetClass], [1, 1]).sum())(activation);
    const layerDims = activation.shape;
    const probability = isDistribution(scores) ? scores[targetClass] : softmax(scores)[targetClass];
    const activationNchw = nhwcToNchw(await activation.data() as Float32Array, activation.shape);
    const gradientNchw = nhwcToNchw(await gradient.data() as Float32Array, gradient.shape);
    tf.dispose([input, activation, output, gradient]);
    const unsupported = () => Promise.reject(new Error(`${method.label} on tfjs models needs only the layer gradient`));
    const context: ExplainContext = {
      input: data, inputDims: dims, layout: preprocessing.layout, targetClass,
      layerGradient: async () => ({ activation: activationNchw, gradient: gradientNchw }),
      layerActivation: async () => activationNchw,
      inputGradients: unsupported, scores: unsupported, probabilities: unsupported,
    };
    return { method: method.name, backend, layer: target.name, layerDims, targetClass, score: scores[targetClass], probability, cam: await method.compute(context), preprocessing };
  } finally {
    model.dispose();
  }
}
