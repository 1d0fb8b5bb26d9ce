import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageToTensor } from '../images';
import { onnxInputFacts, type ModelInputFacts } from '../images/model-input';
import { resolvePreprocessing } from '../images/resolve';
import type { Preprocessing } from '../images/types';
import { GradientSession, probeShapes, type Objective, type ShapeMap } from '../grad';
import { staticShapes } from '../grad/shapes';
import { readModelFile, type OnnxModel } from '../onnx/codec';
import { exposeTensors } from '../onnx/graph';
import { createSession, runSession, type SessionOptions } from '../onnx/session';
import { isMultiLabelModel } from '../predict/classify';
import { resolveClass, resolveLabels, type ModelLabels } from '../predict/labels';
import { attributionMethod } from './methods';
import type { Activation, ExplainContext } from './methods/types';
import { chooseTargetLayer, type LayerChoice } from './target-layer';
import type { FloatMap } from './tensor-math';
import { toFloat32Model } from '../onnx/float32-model';
import { BatchedForward } from './batched-forward';
import { checkDetectionChoice, chooseDetection, detectionLayout, detectionObjective, detectionScoreFeatures, objectiveKindOf, objectiveProbabilities, objectiveValue, outputObjective, type DetectedBox, type DetectionLayout, type ObjectiveKind, type OutputObjective } from './objective';

/** The graph input the objective's weights are fed through, for outputs that are not class scores. */
const OBJECTIVE_WEIGHTS = 'cnn_studio_objective_weights';
import type * as Ort from 'onnxruntime-node';

export interface ExplainOptions {
  method: string;
  /** Node or tensor name; default: the last layer with spatial extent. */
  layer?: string;
  /** Class index; default: the top prediction. */
  targetClass?: number;
  /** For detection outputs, the box whose score is explained (index along the boxes axis); default: the highest-scoring box. */
  box?: number;
  overrides?: Partial<Preprocessing>;
  session?: SessionOptions;
}

export interface Explanation {
  method: string;
  layer: LayerChoice | null;
  /** What the score is, by the output's kind (see outputObjective). */
  objective: { kind: ObjectiveKind; description: string };
  targetClass: number;
  /** For detection outputs: the box explained (index, class, score, coordinates as the output gives them). */
  detection?: DetectedBox;
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
function scoreOutput(model: OnnxModel, shapes: ShapeMap): string {
  const outputs = model.graph.output.map(({ name }) => name);
  // SSD-style detectors: boxes [1, N, 4] first, scores [1, N, C] beside them; the scores are explained.
  const boxes = shapes[outputs[0]];
  const isBoxes = boxes?.length === 3 && boxes[0] === 1 && boxes[2] === 4;
  const output = (isBoxes && outputs.find((name) => shapes[name]?.length === 3 && shapes[name][1] === boxes[1] && shapes[name][2] !== 4)) || outputs[0];
  const dequantize = model.graph.node.find((node) => node.output[0] === output && node.op_type === 'DequantizeLinear');
  const quantize = dequantize && model.graph.node.find((node) => node.output[0] === dequantize.input[0] && node.op_type === 'QuantizeLinear');
  return quantize ? quantize.input[0] : output;
}

/** Gradient sessions (layer or input × objective) kept per model; the least recently used one is released beyond this. */
const GRADIENT_SESSIONS_KEPT = 4;

/** What identifies an image's content: a file by path, size and modification time; a buffer by identity. */
function imageKey(image: string | Buffer): string | Buffer {
  if (typeof image !== 'string') return image;
  const stat = fs.statSync(image);
  return `${path.resolve(image)}\u0000${stat.size}\u0000${stat.mtimeMs}`;
}

/** An ONNX model opened for attribution: float32 forward graph, measured shapes, and gradient sessions built on demand. */
export class Explainer {
  private forwardSessions = new Map<string, Ort.InferenceSession>();
  private gradientSessions = new Map<string, GradientSession>();
  private lastImage?: { key: string | Buffer; input: Float32Array };
  private batchedForward?: Promise<BatchedForward>;
  /** The output's detection layout, read from the first output the model gave (null: not detections). */
  private detection?: DetectionLayout | null;

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
    // The file is decoded once: its input facts (dtype as stored) before the float32 conversion.
    const stored = readModelFile(modelFile);
    const facts = onnxInputFacts(stored);
    const preprocessing = resolvePreprocessing(modelFile, facts, options.overrides);
    const model = toFloat32Model(stored);
    const { data, dims } = await imageToTensor(options.sampleImage, preprocessing);
    const feeds = { [facts.name]: { data, dims } };
    const shapes = staticShapes(model, feeds) ?? await probeShapes(model, feeds, options.session);
    const explainer = new Explainer(modelFile, model, facts, preprocessing, shapes, scoreOutput(model, shapes), options.session ?? {});
    explainer.lastImage = { key: imageKey(options.sampleImage), input: data };
    return explainer;
  }

  /** The model input for an image, decoded and preprocessed once while the same image is explained again. */
  private async preprocessed(image: string | Buffer): Promise<Float32Array> {
    const key = imageKey(image);
    if (this.lastImage?.key !== key) this.lastImage = { key, input: (await imageToTensor(image, this.preprocessing)).data };
    return this.lastImage.input;
  }

  /** The output index addressing a class: the class on the output's one non-unit axis, 0 elsewhere. */
  private outputIndex(targetClass: number): number[] {
    const dims = this.shapes[this.output];
    const classAxis = dims.findIndex((dim) => dim !== 1);
    return dims.map((_, axis) => (axis === classAxis ? targetClass : 0));
  }

  /** The output index of a flat position. */
  private unflatten(flat: number): number[] {
    const dims = this.shapes[this.output];
    const index = new Array<number>(dims.length);
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      index[axis] = flat % dims[axis];
      flat = Math.floor(flat / dims[axis]);
    }
    return index;
  }

  /** The detection layout of the output, read once per model from an output of it (null: not detections). */
  private detectionLayout(output: Float32Array): DetectionLayout | null {
    const others = Object.fromEntries(this.model.graph.output.filter(({ name }) => name !== this.output && this.shapes[name]).map(({ name }) => [name, this.shapes[name]]));
    this.detection ??= detectionLayout(this.shapes[this.output], output, others);
    return this.detection;
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

  /**
   * The gradient session for a layer (or the input) and an objective: one output element (a class score, a box's
   * score), the largest among some elements picked in the graph (the top class, the top box), or sum(output ×
   * weights) with the weights fed.
   */
  private async gradientSession(wrt: string, objective: Objective, sample: Float32Array): Promise<GradientSession> {
    const key = `${wrt}\u0000${JSON.stringify(objective)}`;
    let session = this.gradientSessions.get(key);
    if (!session) {
      session = await GradientSession.create(this.model, {
        objective,
        wrt: [wrt],
        activations: wrt === this.facts.name ? [] : [wrt],
      }, { ...this.sessionOptions, shapes: this.shapes, sampleFeeds: { [this.facts.name]: { data: sample, dims: this.inputDims } } });
      if (this.gradientSessions.size >= GRADIENT_SESSIONS_KEPT) {
        const [oldestKey, oldest] = this.gradientSessions.entries().next().value!;
        this.gradientSessions.delete(oldestKey);
        await oldest.release();
      }
    } else {
      this.gradientSessions.delete(key);
    }
    this.gradientSessions.set(key, session);
    return session;
  }

  get classCount(): number {
    return this.shapes[this.output].reduce((product, dim) => product * dim, 1);
  }

  /** The labels of this model's classes (see resolveLabels): a given file, the settings', the model's own, a nearby file. */
  labels(given?: string): ModelLabels {
    return resolveLabels(this.modelFile, this.classCount, { given, metadata: this.facts.metadata });
  }

  /** A class named by index or by label. */
  resolveClass(text: string, labelsFile?: string): number {
    return resolveClass(text, this.labels(labelsFile), this.classCount);
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

  /** The (first) output for each input, several inputs per run where the model allows it. */
  private async outputsOfMany(inputs: Float32Array[], sample: Float32Array): Promise<Float32Array[]> {
    this.batchedForward ??= BatchedForward.create(this.model, { input: this.facts.name, inputDims: this.inputDims, output: this.output }, sample,
      async (input) => (await this.outputs(input)).output, this.sessionOptions);
    return (await this.batchedForward).outputs(inputs);
  }

  async explain(image: string | Buffer, options: Omit<ExplainOptions, 'overrides' | 'session'>): Promise<Explanation> {
    const started = performance.now();
    const method = attributionMethod(options.method);
    const input = await this.preprocessed(image);
    const outputDims = this.shapes[this.output];
    // Grad-CAM needs one run: with no class given, the gradient run picks the top class itself (ArgMax in the graph),
    // and dense maps and sequences choose what counts in the graph too. Only the first explain of an output that may
    // hold detections runs the model first, to tell (see detectionLayout).
    const shapeKind = objectiveKindOf(outputDims);
    const classification = shapeKind === 'classification';
    if (classification && options.targetClass !== undefined && !(options.targetClass >= 0 && options.targetClass < this.classCount)) {
      throw new Error(`class ${options.targetClass} is outside the output's ${this.classCount} classes`);
    }
    let output: Float32Array | undefined;
    // Detections take the fast path too once the layout is known (read from the model's first output): the top box
    // is picked by ArgMax in the graph among the score features.
    const detection = classification || shapeKind === 'dense' ? null : this.detection !== undefined ? this.detection : this.detectionLayout(output = (await this.outputs(input)).output);
    if (options.box !== undefined && !detection) {
      throw new Error(`--box needs a detection output; '${this.output}' [${outputDims.join(', ')}] is not one (boxes × features, or boxes and scores outputs)`);
    }
    if (detection) checkDetectionChoice(outputDims, detection, { box: options.box, targetClass: options.targetClass });
    let objective: OutputObjective | undefined = classification || detection || !output ? undefined : outputObjective(outputDims, output, options.targetClass);
    let targetClass = objective?.targetClass ?? options.targetClass;
    /** The flat output index of the detection explained, once known. */
    let picked: number | undefined;
    const otherOutputs: Record<string, Float32Array> = {};
    const predicted = async (): Promise<{ output: Float32Array; objective: OutputObjective }> => {
      output ??= (await this.outputs(input)).output;
      if (!objective && detection) {
        picked ??= chooseDetection(outputDims, output, detection, { box: options.box, targetClass: options.targetClass });
        const boxesOutput = detection.coordinatesOutput;
        if (boxesOutput) otherOutputs[boxesOutput] ??= (await this.outputs(input, [boxesOutput])).exposed[boxesOutput].data as Float32Array;
        objective = detectionObjective(outputDims, output, detection, picked, boxesOutput ? otherOutputs[boxesOutput] : undefined);
      }
      objective ??= outputObjective(outputDims, output, targetClass);
      targetClass ??= objective.targetClass;
      return { output, objective };
    };
    const sessionObjective = (): Objective => {
      if (detection) {
        if (picked !== undefined) return { kind: 'select', output: this.output, index: this.unflatten(picked) };
        const [first, end] = detectionScoreFeatures(detection, options.targetClass);
        const among = [{ axis: detection.featureAxis, first, end }];
        if (options.box !== undefined) among.push({ axis: detection.boxAxis, first: options.box, end: options.box + 1 });
        return { kind: 'select-argmax', output: this.output, among };
      }
      if (!classification && objective) return { kind: 'weighted-sum', output: this.output, weightsInput: OBJECTIVE_WEIGHTS };
      if (shapeKind === 'dense') return { kind: 'dense-region', output: this.output, targetClass: options.targetClass };
      if (shapeKind === 'sequence') return { kind: 'sequence-top', output: this.output };
      if (targetClass === undefined) return { kind: 'select-argmax', output: this.output };
      return { kind: 'select', output: this.output, index: classification ? this.outputIndex(targetClass) : this.unflatten(targetClass) };
    };
    const gradientFeeds = (data: Float32Array, chosen: Objective) => ({
      [this.facts.name]: { data, dims: this.inputDims },
      ...(chosen.kind === 'weighted-sum' ? { [OBJECTIVE_WEIGHTS]: { data: objective!.weights, dims: outputDims } } : {}),
    });
    const layer = method.resolution === 'layer' || options.layer ? chooseTargetLayer(this.model, this.shapes, this.output, options.layer) : null;
    const needLayer = () => {
      if (!layer) throw new Error(`${method.label} needs a target layer`);
      return layer.tensor;
    };
    // Class scores: the class's probability (whether the output is a distribution is read once, on the image's own
    // output). Dense and sequence objectives: the mean of the counted outputs.
    const probabilities = async (outputs: Float32Array[]) => {
      const { output: own, objective: chosen } = await predicted();
      return objectiveProbabilities(chosen, own, outputs, isMultiLabelModel(this.facts.metadata));
    };
    const context: ExplainContext = {
      input,
      inputDims: this.inputDims,
      layout: this.preprocessing.layout,
      get targetClass(): number {
        if (targetClass === undefined) throw new Error('the class is known only after the first model run');
        return targetClass;
      },
      layerGradient: async () => {
        const tensor = needLayer();
        const chosen = sessionObjective();
        const session = await this.gradientSession(tensor, chosen, input);
        const result = await session.run(gradientFeeds(input, chosen));
        // The gradient run returns the graph's outputs; a score output inside the graph (before a Q/DQ copy) comes
        // from a forward pass when it is needed.
        const produced = result.outputs[this.output];
        if (produced) output ??= produced.data as Float32Array;
        for (const [name, value] of Object.entries(result.outputs)) otherOutputs[name] ??= value.data as Float32Array;
        if (classification) targetClass ??= result.selected;
        if (detection) picked ??= result.selected;
        return { activation: result.activations[tensor], gradient: result.gradients[tensor] };
      },
      layerActivation: async () => {
        const tensor = needLayer();
        const run = await this.outputs(input, [tensor]);
        output ??= run.output;
        return run.exposed[tensor];
      },
      inputGradients: async (inputs) => {
        // The objective is fixed on the image itself, so every input (noisy copies, path steps) scores the same thing.
        await predicted();
        const chosen = sessionObjective();
        const session = await this.gradientSession(this.facts.name, chosen, input);
        const gradients: Float32Array[] = [];
        const scores: number[] = [];
        for (const each of inputs) {
          const result = await session.run(gradientFeeds(each, chosen));
          gradients.push(Float32Array.from(result.gradients[this.facts.name].data));
          scores.push(result.objective);
        }
        return { gradients, scores };
      },
      scores: async (inputs) => {
        const { objective: chosen } = await predicted();
        return (await this.outputsOfMany(inputs, input)).map((values) => objectiveValue(values, chosen.weights));
      },
      probabilities: async (inputs) => probabilities(await this.outputsOfMany(inputs, input)),
    };
    const cam = await method.compute(context);
    const result = await predicted();
    return {
      method: method.name,
      layer,
      objective: { kind: result.objective.kind, description: result.objective.description },
      targetClass: result.objective.targetClass,
      ...(result.objective.detection ? { detection: result.objective.detection } : {}),
      score: objectiveValue(result.output, result.objective.weights),
      probability: (await probabilities([result.output]))[0],
      cam,
      preprocessing: this.preprocessing,
      timings: { totalMs: performance.now() - started },
    };
  }

  async release(): Promise<void> {
    for (const session of this.forwardSessions.values()) await session.release();
    for (const session of this.gradientSessions.values()) await session.release();
    if (this.batchedForward) await (await this.batchedForward).release();
    this.batchedForward = undefined;
    this.forwardSessions.clear();
    this.gradientSessions.clear();
  }
}
