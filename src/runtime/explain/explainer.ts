import { imageToTensor } from '../images';
import { readInputFacts, type ModelInputFacts } from '../images/model-input';
import { resolvePreprocessing } from '../images/resolve';
import type { Preprocessing } from '../images/types';
import { GradientSession, probeShapes, type ShapeMap } from '../grad';
import { staticShapes } from '../grad/shapes';
import { readModelFile, type OnnxModel } from '../onnx/codec';
import { exposeTensors } from '../onnx/graph';
import { createSession, runSession, type SessionOptions } from '../onnx/session';
import { softmax, isDistribution } from '../predict/classify';
import { resolveClass, resolveLabelsFile } from '../predict/labels';
import { attributionMethod } from './methods';
import type { Activation, ExplainContext } from './methods/types';
import { chooseTargetLayer, type LayerChoice } from './target-layer';
import type { FloatMap } from './tensor-math';
import { toFloat32Model } from '../onnx/float32-model';
import { outputObjective, type ObjectiveKind, type OutputObjective } from './objective';

/** The graph input the objective's weights are fed through, for outputs that are not class scores. */
const OBJECTIVE_WEIGHTS = 'cnn_studio_objective_weights';
import type * as Ort from 'onnxruntime-node';

export interface ExplainOptions {
  method: string;
  /** Node or tensor name; default: the last layer with spatial extent. */
  layer?: string;
  /** Class index; default: the top prediction. */
  targetClass?: number;
  overrides?: Partial<Preprocessing>;
  session?: SessionOptions;
}

export interface Explanation {
  method: string;
  layer: LayerChoice | null;
  /** What the score is, by the output's kind (see outputObjective). */
  objective: { kind: ObjectiveKind; description: string };
  targetClass: number;
  /** The model output at the class (logit, or probability for models that output a distribution). */
  score: number;
  probability: number;
  /** The map before upsampling and normalization: at the layer's resolution for CAM methods, the input's otherwise. */
  cam: FloatMap;
  preprocessing: Preprocessing;
  timings: { totalMs: number };
}

/**
 * The output whose class scores are explained: the model's first output, or, when a QDQ quantizer left it as a
 * QuantizeLinear → DequantizeLinear copy, the float logits before it. The straight-through gradient is zero where the
 * output quantizer clips, and the top class's logit is often the one at the end of the calibrated range.
 */
function scoreOutput(model: OnnxModel): string {
  const output = model.graph.output[0].name;
  const dequantize = model.graph.node.find((node) => node.output[0] === output && node.op_type === 'DequantizeLinear');
  const quantize = dequantize && model.graph.node.find((node) => node.output[0] === dequantize.input[0] && node.op_type === 'QuantizeLinear');
  return quantize ? quantize.input[0] : output;
}

/** An ONNX model opened for attribution: float32 forward graph, measured shapes, and gradient sessions built on demand. */
export class Explainer {
  private forwardSessions = new Map<string, Ort.InferenceSession>();
  private gradientSessions = new Map<string, GradientSession>();

  private constructor(
    readonly modelFile: string,
    readonly model: OnnxModel,
    readonly facts: ModelInputFacts,
    readonly preprocessing: Preprocessing,
    readonly shapes: ShapeMap,
    readonly output: string,
    private readonly sessionOptions: SessionOptions,
  ) {}

  static async open(modelFile: string, options: { overrides?: Partial<Preprocessing>; session?: SessionOptions; sampleImage: string | Buffer }): Promise<Explainer> {
    const facts = readInputFacts(modelFile);
    const preprocessing = resolvePreprocessing(modelFile, facts, options.overrides);
    const model = toFloat32Model(readModelFile(modelFile));
    const { data, dims } = await imageToTensor(options.sampleImage, preprocessing);
    const feeds = { [facts.name]: { data, dims } };
    const shapes = staticShapes(model, feeds) ?? await probeShapes(model, feeds, options.session);
    return new Explainer(modelFile, model, facts, preprocessing, shapes, scoreOutput(model), options.session ?? {});
  }

  /** The output index addressing a class: the class on the output's one non-unit axis, 0 elsewhere. */
  private outputIndex(targetClass: number): number[] {
    const dims = this.shapes[this.output];
    const classAxis = dims.findIndex((dim) => dim !== 1);
    return dims.map((_, axis) => (axis === classAxis ? targetClass : 0));
  }

  private async forwardSession(exposed: string[]): Promise<Ort.InferenceSession> {
    const key = exposed.join('\u0000');
    let session = this.forwardSessions.get(key);
    if (!session) {
      const wanted = this.model.graph.output.some((output) => output.name === this.output) ? exposed : [this.output, ...exposed];
      session = await createSession(wanted.length > 0 ? exposeTensors(this.model, wanted) : this.model, this.sessionOptions);
      this.forwardSessions.set(key, session);
    }
    return session;
  }

  /** A gradient session of the class score, or (objective given) of sum(output × weights) with the weights fed. */
  private async gradientSession(wrt: string, targetClass: number, sample: Float32Array, weighted: boolean): Promise<GradientSession> {
    const key = `${wrt}\u0000${weighted ? 'weighted' : targetClass}`;
    let session = this.gradientSessions.get(key);
    if (!session) {
      session = await GradientSession.create(this.model, {
        objective: weighted
          ? { kind: 'weighted-sum', output: this.output, weightsInput: OBJECTIVE_WEIGHTS }
          : { kind: 'select', output: this.output, index: this.outputIndex(targetClass) },
        wrt: [wrt],
        activations: wrt === this.facts.name ? [] : [wrt],
      }, { ...this.sessionOptions, shapes: this.shapes, sampleFeeds: { [this.facts.name]: { data: sample, dims: this.inputDims } } });
      this.gradientSessions.set(key, session);
    }
    return session;
  }

  get classCount(): number {
    return this.shapes[this.output].reduce((product, dim) => product * dim, 1);
  }

  /** The labels file for this model's classes (see resolveLabelsFile); null when none. */
  labelsFile(given?: string): string | null {
    return resolveLabelsFile(this.modelFile, this.classCount, given);
  }

  /** A class named by index or by label. */
  resolveClass(text: string, labelsFile?: string): number {
    return resolveClass(text, this.labelsFile(labelsFile), this.classCount);
  }

  get inputDims(): number[] {
    return this.shapes[this.facts.name];
  }

  /** Runs the model and returns its (first) output's values. */
  async outputs(input: Float32Array, exposed: string[] = []): Promise<{ output: Float32Array; exposed: Record<string, Activation> }> {
    const session = await this.forwardSession(exposed);
    const results = await runSession(session, { [this.facts.name]: { data: input, dims: this.inputDims } }, [this.output, ...exposed]);
    const asFloat = (name: string): Activation => ({ data: results[name].data as Float32Array, dims: results[name].dims });
    return { output: results[this.output].data as Float32Array, exposed: Object.fromEntries(exposed.map((name) => [name, asFloat(name)])) };
  }

  async explain(image: string | Buffer, options: Omit<ExplainOptions, 'overrides' | 'session'>): Promise<Explanation> {
    const started = performance.now();
    const method = attributionMethod(options.method);
    const { data: input } = await imageToTensor(image, this.preprocessing);
    const { output } = await this.outputs(input);
    const objective: OutputObjective = outputObjective(this.shapes[this.output], output, options.targetClass);
    const targetClass = objective.targetClass;
    const classification = objective.kind === 'classification';
    const weighted = !classification;
    const counted = objective.weights.reduce((sum, w) => sum + w, 0);
    const objectiveValue = (values: Float32Array) => values.reduce((sum, v, i) => sum + v * objective.weights[i], 0);
    const outputIsDistribution = isDistribution(output);
    // Dense and sequence objectives: the mean of the counted outputs (a mean probability when they are probabilities).
    const probability = (values: Float32Array) => (!classification ? objectiveValue(values) / counted
      : outputIsDistribution ? values[targetClass] : softmax(values)[targetClass]);
    const gradientFeeds = (data: Float32Array) => ({
      [this.facts.name]: { data, dims: this.inputDims },
      ...(weighted ? { [OBJECTIVE_WEIGHTS]: { data: objective.weights, dims: this.shapes[this.output] } } : {}),
    });
    const layer = method.resolution === 'layer' || options.layer ? chooseTargetLayer(this.model, this.shapes, this.output, options.layer) : null;
    const needLayer = () => {
      if (!layer) throw new Error(`${method.label} needs a target layer`);
      return layer.tensor;
    };
    const context: ExplainContext = {
      input,
      inputDims: this.inputDims,
      layout: this.preprocessing.layout,
      targetClass,
      layerGradient: async () => {
        const tensor = needLayer();
        const result = await (await this.gradientSession(tensor, targetClass, input, weighted)).run(gradientFeeds(input));
        return { activation: result.activations[tensor], gradient: result.gradients[tensor] };
      },
      layerActivation: async () => {
        const tensor = needLayer();
        return (await this.outputs(input, [tensor])).exposed[tensor];
      },
      inputGradients: async (inputs) => {
        const session = await this.gradientSession(this.facts.name, targetClass, input, weighted);
        const gradients: Float32Array[] = [];
        const scores: number[] = [];
        for (const each of inputs) {
          const result = await session.run(gradientFeeds(each));
          gradients.push(Float32Array.from(result.gradients[this.facts.name].data));
          scores.push(result.objective);
        }
        return { gradients, scores };
      },
      scores: async (inputs) => {
        const scores: number[] = [];
        for (const each of inputs) scores.push(objectiveValue((await this.outputs(each)).output));
        return scores;
      },
      probabilities: async (inputs) => {
        const values: number[] = [];
        for (const each of inputs) values.push(probability((await this.outputs(each)).output));
        return values;
      },
    };
    const cam = await method.compute(context);
    return {
      method: method.name,
      layer,
      objective: { kind: objective.kind, description: objective.description },
      targetClass,
      score: objectiveValue(output),
      probability: probability(output),
      cam,
      preprocessing: this.preprocessing,
      timings: { totalMs: performance.now() - started },
    };
  }

  async release(): Promise<void> {
    for (const session of this.forwardSessions.values()) await session.release();
    for (const session of this.gradientSessions.values()) await session.release();
    this.forwardSessions.clear();
    this.gradientSessions.clear();
  }
}
