/**
 * Gradients of ONNX models, computed by onnxruntime itself: the backward pass is emitted as standard ONNX
 * operators appended to a copy of the forward graph, so one session run returns the objective, the requested
 * activations and the gradients.
 */
import type * as Ort from 'onnxruntime-node';
import { decodeModel, OnnxModel } from '../onnx/codec';
import { createSession, runSession, SessionOptions, TensorValue } from '../onnx/session';
import { buildGradientGraph } from './builder';
import { probeShapes, ShapeMap } from './shapes';

/** The scalar whose gradient is computed. Indices count from 0 and address every axis of the output. */
export type Objective =
  /** One element of an output, e.g. the logit of class k: index [0, k]. */
  | { kind: 'select'; output: string; index: number[] }
  /**
   * The largest element of an output (the top class when none is given), chosen by ArgMax inside the graph; with
   * `among`, only elements whose index on each listed axis lies in [first, end) compete (a detection's score features).
   */
  | { kind: 'select-argmax'; output: string; among?: { axis: number; first: number; end: number }[] }
  /**
   * A dense map [1, K, H, W] summed over its predicted region, chosen in the graph: for K = 1 the pixels above 0.5
   * (a map in [0, 1]) or above 0; for K ≥ 2 class k's map (by default the most frequent class other than 0 among the
   * pixels' argmax, else 0) over the pixels whose argmax is k; the whole map (class k's) when the region is empty.
   */
  | { kind: 'dense-region'; output: string; targetClass?: number }
  /** A sequence [1, T, C]: the sum over the steps of each step's largest element, chosen in the graph. */
  | { kind: 'sequence-top'; output: string }
  /** A probability: Softmax of the output over axis 1 (axis 0 for a 1-D output), then the element at index. */
  | { kind: 'softmax-prob'; output: string; index: number[] }
  /**
   * Cross-entropy of Softmax over axis 1 against labels (one-hot or probabilities, shaped like the output) fed
   * through a new graph input named labelsInput, averaged over every other position (the batch).
   */
  | { kind: 'cross-entropy'; output: string; labelsInput: string }
  /** sum(output * W) with W fed through a new graph input named weightsInput, shaped like the output (masks, projections). */
  | { kind: 'weighted-sum'; output: string; weightsInput: string }
  /**
   * Focal loss −Σ t·(1 − p)^γ·log p over Softmax of axis 1, with targets t (one-hot, scaled by class weights) fed
   * through labelsInput, averaged over the batch.
   */
  | { kind: 'focal'; output: string; labelsInput: string; gamma: number }
  /** Multi-label binary cross-entropy of Sigmoid(output) against 0/1 targets fed through labelsInput, averaged over every element. */
  | { kind: 'binary-cross-entropy'; output: string; labelsInput: string }
  /**
   * Knowledge distillation: (1 − alpha)·cross-entropy against labelsInput plus alpha·T²·KL(Softmax(teacher/T) ‖
   * Softmax(output/T)), the teacher's logits fed through teacherInput, both averaged over the batch.
   */
  | { kind: 'distillation'; output: string; labelsInput: string; teacherInput: string; temperature: number; alpha: number };

export interface GradientRequest {
  objective: Objective;
  /** Tensors to differentiate with respect to: graph inputs, initializers (weights) or intermediate activations. */
  wrt: string[];
  /** Intermediate tensors to return as extra outputs (e.g. the last conv activation for Grad-CAM). */
  activations?: string[];
}

export interface BuildOptions {
  /**
   * Concrete shapes of the model's tensors (for example from probeShapes). Rules that need static sizes
   * (convolution output padding, pooling windows, resize matrices) read them; without them only the shapes
   * declared in the model are known.
   */
  shapes?: ShapeMap;
  /**
   * Turn the wrt initializers into graph inputs without stored values, so a training loop feeds its current
   * weights with every run (same names) instead of building a new session.
   */
  initializersAsInputs?: boolean;
}

export interface GradientModel {
  /** The forward graph plus objective and backward nodes; the original model object is not modified. */
  model: OnnxModel;
  /** Graph output holding the scalar objective. */
  objectiveName: string;
  /** wrt tensor → graph output holding its gradient (same shape as the tensor). */
  gradientNames: Record<string, string>;
  /** requested activation → graph output holding its value. */
  activationNames: Record<string, string>;
  /** Graph inputs the objective added (labels or weights), to be fed with every run. */
  extraInputs: string[];
  /** The model's original outputs, still produced. */
  outputNames: string[];
  /** Graph output holding the flat index a select-argmax objective picked. */
  selectedName?: string;
}

/**
 * Differentiates the path from the wrt tensors to the objective. Throws an Error naming the operator and the
 * node when the path holds an operator without a gradient rule (or a configuration a rule cannot handle).
 */
export function buildGradientModel(model: OnnxModel, request: GradientRequest, options: BuildOptions = {}): GradientModel {
  return buildGradientGraph(model, request, options);
}

export type FloatTensor = TensorValue<Float32Array | Float64Array>;

export interface GradientResult {
  objective: number;
  gradients: Record<string, FloatTensor>;
  activations: Record<string, FloatTensor>;
  /** The model's original outputs. */
  outputs: Record<string, TensorValue>;
  /** The flat output index a select-argmax objective picked. */
  selected?: number;
}

/**
 * A gradient model loaded into onnxruntime, for repeated runs (saliency over many images, training steps).
 * Feeds must keep the shapes the session was created for where the model's shapes were specialized.
 */
export class GradientSession {
  private constructor(readonly gradientModel: GradientModel, private readonly session: Ort.InferenceSession) {}

  /**
   * Builds and loads the gradient model. sampleFeeds (the model's inputs, with the objective's extra inputs
   * optional) let it measure every tensor's shape first, so that rules needing static sizes work on models
   * whose shapes are not declared.
   */
  static async create(
    model: OnnxModel | Uint8Array,
    request: GradientRequest,
    options: SessionOptions & BuildOptions & { sampleFeeds?: Record<string, TensorValue> } = {},
  ): Promise<GradientSession> {
    const forward = model instanceof Uint8Array ? decodeModel(model) : model;
    const shapes = options.shapes ?? (options.sampleFeeds ? await probeShapes(forward, options.sampleFeeds, options) : undefined);
    const gradientModel = buildGradientGraph(forward, request, { ...options, shapes });
    return new GradientSession(gradientModel, await createSession(gradientModel.model, options));
  }

  async run(feeds: Record<string, TensorValue>): Promise<GradientResult> {
    const gradientModel = this.gradientModel;
    const results = await runSession(this.session, feeds);
    const pick = (names: Record<string, string>) =>
      Object.fromEntries(Object.entries(names).map(([tensor, output]) => [tensor, results[output] as FloatTensor]));
    return {
      objective: Number(results[gradientModel.objectiveName].data[0]),
      gradients: pick(gradientModel.gradientNames),
      activations: pick(gradientModel.activationNames),
      outputs: Object.fromEntries(gradientModel.outputNames.map((name) => [name, results[name]])),
      selected: gradientModel.selectedName === undefined ? undefined : Number(results[gradientModel.selectedName].data[0]),
    };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** One-shot: builds the gradient model for these feeds, runs it once and releases the session. */
export async function computeGradients(
  model: OnnxModel | Uint8Array,
  request: GradientRequest,
  feeds: Record<string, TensorValue>,
  options: SessionOptions & BuildOptions = {},
): Promise<GradientResult> {
  const session = await GradientSession.create(model, request, { ...options, sampleFeeds: feeds });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export type { ShapeMap } from './shapes';
export { probeShapes } from './shapes';
export { UnsupportedGradientError } from './rules/types';
