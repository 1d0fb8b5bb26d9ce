import type * as Tf from '@tensorflow/tfjs';
import { conciseMessage } from '../errors';
import { imageToTensor } from '../images';
import { resolvePreprocessing } from '../images/resolve';
import type { Preprocessing } from '../images/types';
import { graphRunner, tfjsInputFacts } from '../predict/tfjs-model';
import { executionOrder, graphTensorFacts, tensorKey, tensorRef } from '../tfjs/graph-model';
import { gradientBlocker, graphAncestors, graphIo } from '../tfjs/graph-gradients';
import type { GraphNode } from '../tfjs/graph-shapes';
import { attrText } from '../tfjs/graph-shapes';
import { readModelJson } from '../tfjs/inspect';
import { readShards } from '../tfjs/shards';
import { BatchedForward, outputRows, stackInputs } from './batched-forward';
import type { AttributionMethod, ExplainContext } from './methods/types';
import { objectiveProbabilities, objectiveValue, outputObjective } from './objective';
import { lastSpatialLayer, type LayerChoice } from './target-layer';
import { nhwcToNchw } from './tensor-math';
import type { TfjsExplanation } from './tfjs-gradcam';

type TfModule = typeof Tf;

/** Longest node name quoted in an error. */
const NAME_CHARS = 80;
const shortName = (name: string) => (name.length > NAME_CHARS ? `…${name.slice(-NAME_CHARS)}` : name);

/**
 * Where the image is fed: the input Placeholder, or for an integer input read only by one Cast to float, that Cast
 * (fed float values, so gradients, noise and interpolation stay continuous).
 */
function feedNode(nodes: GraphNode[], input: string, dtype: string): { name: string; dtype: 'float32' | 'int32' } {
  if (dtype !== 'int32') return { name: input, dtype: 'float32' };
  const readers = nodes.filter((node) => (node.input ?? []).some((ref) => ref.replace(/^\^/, '').split(':')[0] === input));
  const cast = readers.length === 1 && readers[0].op === 'Cast' && readers[0].attr?.DstT?.type === 'DT_FLOAT' ? readers[0] : undefined;
  return cast ? { name: cast.name, dtype: 'float32' } : { name: input, dtype: 'int32' };
}

/** The graph's activation layout: NCHW when its convolutions and pools say so, else TensorFlow's NHWC. */
function graphLayout(nodes: GraphNode[]): 'nchw' | 'nhwc' {
  return nodes.some((node) => attrText(node.attr?.data_format) === 'NCHW') ? 'nchw' : 'nhwc';
}

/** The layer to explain: the named node, or the last node with spatial extent that the output depends on (through a gradient where one does). */
function graphTargetLayer(nodes: GraphNode[], facts: ReturnType<typeof graphTensorFacts>, output: string, needed: Set<string>[], layout: 'nchw' | 'nhwc', requested?: string): LayerChoice {
  const candidates = executionOrder(nodes).flatMap((node) => {
    const shape = facts.get(node.name)?.shape;
    const dims = shape?.every((dim) => typeof dim === 'number') ? (shape as number[]) : undefined;
    return node.op === 'Const' || node.op.startsWith('Placeholder') ? [] : [{ tensor: node.name, node: node.name, opType: node.op, dims: dims ?? [] }];
  });
  if (requested) {
    const named = candidates.find((candidate) => candidate.tensor === requested);
    if (!named) throw new Error(`no node named "${shortName(requested)}" in the graph`);
    return named;
  }
  const outputShape = facts.get(tensorKey(...tensorRef(output)))?.shape;
  return lastSpatialLayer(candidates, needed, layout, outputShape?.every((dim) => typeof dim === 'number') ? (outputShape as number[]) : undefined);
}

/**
 * Any attribution method of a tfjs graph model (see explainGraph); errors name the model file and are kept short
 * (tfjs's own can list every node of the graph).
 */
export async function explainGraphModel(...args: Parameters<typeof explainGraph>): Promise<TfjsExplanation> {
  const modelJson = args[2];
  try {
    return await explainGraph(...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(modelJson)) throw error;
    throw new Error(`${modelJson}: ${conciseMessage(error)}`);
  }
}

/**
 * Any attribution method of a tfjs graph model, with tfjs-converter's executor: the target node's activation comes
 * from a forward pass that returns it beside the output; layer gradients from tf.grad of the objective through a run
 * fed the activation at that node (and the image, for branches that skip it); input gradients from tf.grad through
 * the whole graph; scores from forward passes. The objective is chosen by the output's kind, as for ONNX models.
 */
async function explainGraph(
  tf: TfModule,
  model: Tf.GraphModel,
  modelJson: string,
  image: string | Buffer,
  method: AttributionMethod,
  options: { layer?: string; targetClass?: number; overrides?: Partial<Preprocessing>; backend: string },
): Promise<TfjsExplanation> {
  const json = readModelJson(modelJson);
  const nodes = (json.modelTopology as { node?: GraphNode[] }).node ?? [];
  const { input, output } = graphIo(json);
  if (method.gradients) {
    const blocker = gradientBlocker(json, input, output);
    if (blocker) throw new Error(`${modelJson}: ${method.label} needs gradients, and tfjs has none for ${blocker.op} (node ${shortName(blocker.node)}); Score-CAM, Eigen-CAM and occlusion run on this model`);
  }
  const facts = tfjsInputFacts({ kind: 'graph', model });
  const preprocessing = resolvePreprocessing(modelJson, facts, options.overrides);
  const { data, dims } = await imageToTensor(image, preprocessing);
  const feed = feedNode(nodes, input, facts.dtype);
  const layout = graphLayout(nodes);
  const run = graphRunner(model);
  const toTensor = (values: Float32Array, shape = dims) => (feed.dtype === 'int32' ? tf.tensor(Int32Array.from(values, Math.round), shape, 'int32') : tf.tensor(values, shape, 'float32'));
  const needed = [graphAncestors(json, output, true), graphAncestors(json, output)];
  const layer = method.resolution === 'layer' || options.layer
    ? graphTargetLayer(nodes, graphTensorFacts(json, readShards(json, modelJson).weights, { [input]: dims }), output, needed, layout, options.layer)
    : null;

  // The output as the objective reads it: 4-D outputs of an NHWC graph are taken as [1, C, H, W], as ONNX's are.
  const asObjectiveLayout = (tensor: Tf.Tensor) => (tensor.rank === 4 && layout === 'nhwc' ? tensor.transpose([0, 3, 1, 2]) : tensor);
  const x = toTensor(data);
  // The target may be the output node itself (a dense output with nothing spatial after it).
  const targetIsOutput = layer?.tensor === tensorRef(output)[0];
  const [first, second] = await run({ [feed.name]: x }, layer && !targetIsOutput ? [output, layer.tensor] : [output]);
  const activation = layer ? (targetIsOutput ? first : second) : undefined;
  const outputTensor = asObjectiveLayout(first);
  const outputDims = outputTensor.shape;
  const own = Float32Array.from(await outputTensor.data());
  tf.dispose(first === activation ? [outputTensor] : [first, outputTensor]);
  const objective = outputObjective(outputDims, own, options.targetClass);
  const weights = tf.tensor(objective.weights, outputDims);
  const objectiveOf = (result: Tf.Tensor) => tf.tidy(() => asObjectiveLayout(result).mul(weights).sum());
  const execute = (feeds: Tf.NamedTensorMap) => {
    const result = model.execute(feeds, output);
    return Array.isArray(result) ? result[0] : result;
  };
  // Outputs of many inputs (Score-CAM's masked copies, occlusion's windows): batched where the model's batch axis is open.
  const outputRun = async (values: Float32Array, count: number) => {
    const tensor = toTensor(values, [count, ...dims.slice(1)]);
    const [result] = await run({ [feed.name]: tensor }, [output]);
    const ordered = asObjectiveLayout(result);
    try { return { values: Float32Array.from(await ordered.data()), rows: ordered.shape[0] ?? 1 }; } finally { tf.dispose([tensor, result, ordered]); }
  };
  let batchedForward: Promise<BatchedForward> | undefined;
  const outputsOf = async (inputs: Float32Array[]) => {
    batchedForward ??= BatchedForward.accept(async () => ({
      run: async (batch) => {
        const { values, rows } = await outputRun(stackInputs(batch), batch.length);
        return outputRows(values, rows, batch.length, output);
      },
      release: async () => undefined,
    }), data, async (input) => (await outputRun(input, 1)).values);
    return (await batchedForward).outputs(inputs);
  };
  const asActivation = async (tensor: Tf.Tensor) => {
    const values = await tensor.data() as Float32Array;
    return layout === 'nhwc' ? nhwcToNchw(values, tensor.shape) : { data: Float32Array.from(values), dims: tensor.shape };
  };
  const needLayer = () => {
    if (!layer || !activation) throw new Error(`${method.label} needs a target layer`);
    return { layer, activation };
  };
  const context: ExplainContext = {
    input: data, inputDims: dims, layout: preprocessing.layout, targetClass: objective.targetClass,
    layerGradient: async () => {
      const target = needLayer();
      const gradient = tf.grad((a: Tf.Tensor) => objectiveOf(execute({ [feed.name]: x, [target.layer.tensor]: a })))(target.activation);
      try { return { activation: await asActivation(target.activation), gradient: await asActivation(gradient) }; } finally { gradient.dispose(); }
    },
    layerActivation: async () => asActivation(needLayer().activation),
    inputGradients: async (inputs) => {
      const gradients: Float32Array[] = [];
      const scores: number[] = [];
      for (const values of inputs) {
        const point = tf.tensor(values, dims, 'float32');
        const { value, grad } = tf.valueAndGrad((at: Tf.Tensor) => objectiveOf(execute({ [feed.name]: feed.dtype === 'int32' ? at.toInt() : at })))(point);
        gradients.push(Float32Array.from(await grad.data()));
        scores.push((await value.data())[0]);
        tf.dispose([point, value, grad]);
      }
      return { gradients, scores };
    },
    scores: async (inputs) => (await outputsOf(inputs)).map((values) => objectiveValue(values, objective.weights)),
    probabilities: async (inputs) => objectiveProbabilities(objective, own, await outputsOf(inputs)),
  };
  try {
    const cam = await method.compute(context);
    return {
      method: method.name, backend: options.backend, layer: layer?.tensor ?? null, layerDims: activation?.shape ?? null,
      objective: { kind: objective.kind, description: objective.description }, targetClass: objective.targetClass,
      score: objectiveValue(own, objective.weights), probability: objectiveProbabilities(objective, own, [own])[0], cam, preprocessing,
    };
  } finally {
    tf.dispose([x, weights, ...(activation ? [activation] : [])]);
  }
}
