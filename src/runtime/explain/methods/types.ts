import type { FloatMap } from '../tensor-math';

/** A tensor as flat float data with dims (NCHW for activations and model inputs). */
export interface Activation {
  data: Float32Array | Float64Array;
  dims: number[];
}

/** What an attribution method may ask of the model, for the chosen image, class and layer. */
export interface ExplainContext {
  /** The preprocessed model input. */
  input: Float32Array;
  inputDims: number[];
  /** NCHW or NHWC, for methods that work on input pixels. */
  layout: 'nchw' | 'nhwc';
  targetClass: number;
  /** The target layer's activation and the gradient of the class score with respect to it. */
  layerGradient(): Promise<{ activation: Activation; gradient: Activation }>;
  /** The target layer's activation alone (one forward pass). */
  layerActivation(): Promise<Activation>;
  /** Gradients of the class score with respect to the model input, one per given input, and the scores. */
  inputGradients(inputs: Float32Array[]): Promise<{ gradients: Float32Array[]; scores: number[] }>;
  /** The class score for each given input (forward passes only). */
  scores(inputs: Float32Array[]): Promise<number[]>;
  /** The class probability for each given input (softmax over the output unless it already is a distribution). */
  probabilities(inputs: Float32Array[]): Promise<number[]>;
}

export interface AttributionMethod {
  name: string;
  label: string;
  /** Whether the map lives at the target layer's resolution (CAM family) or the input's (pixel attributions). */
  resolution: 'layer' | 'input';
  /** Whether it backpropagates (layer or input gradients) or needs forward passes only. */
  gradients: boolean;
  compute(context: ExplainContext): Promise<FloatMap>;
}
