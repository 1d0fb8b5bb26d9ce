/** A layer call normalized across frameworks, and what the hover reports about it. */

/** A literal number, or the source text / symbol standing for a value the call does not fix. */
export type Term = number | string;

export type Padding = { kind: 'explicit'; amounts: Term[] } | { kind: 'same' } | { kind: 'valid' } | { kind: 'unknown'; text: string };

/** Whether a layer has a bias; 'unknown' when a variable decides. */
export type Bias = boolean | 'unknown';

/** How 'same'/'valid' padding and kernel layouts are defined: PyTorch-style or Keras/TensorFlow.js-style. */
export type Convention = 'torch' | 'keras';

export interface ConvSpec {
  kind: 'conv' | 'convTranspose';
  convention: Convention;
  inChannels: Term;
  outChannels: Term;
  kernel: Term[];
  stride: Term[];
  padding: Padding;
  dilation: Term[];
  /** Only transposed convolutions: extra rows/columns added on one side of the output. */
  outputPadding: Term[];
  groups: Term;
  bias: Bias;
  /** Spatial input size when the call states it (TensorFlow.js `inputShape`). */
  inputSize?: number[];
}

export interface PoolSpec {
  kind: 'pool';
  convention: Convention;
  operation: 'max' | 'average';
  kernel: Term[];
  stride: Term[];
  padding: Padding;
  dilation: Term[];
  ceilMode: boolean;
  inputSize?: number[];
}

export interface LinearSpec {
  kind: 'linear';
  convention: Convention;
  inFeatures: Term;
  outFeatures: Term;
  bias: Bias;
}

/**
 * A layer whose parameters are a few named tensors of known shape (normalization, embedding, PReLU) and whose output
 * size is stated directly (the input's, or a fixed size as adaptive pooling gives).
 */
export interface TensorsSpec {
  kind: 'tensors';
  convention: Convention;
  tensors: { name: string; shape: Term[] }[];
  outputFormulas: string[];
  example?: { input: number[]; output: number[] };
}

export type LayerSpec = ConvSpec | PoolSpec | LinearSpec | TensorsSpec;

export interface LayerReport {
  /** Learnable parameters when every factor is a literal. */
  parameters?: number;
  /** How the parameter count is made up, e.g. "weight 64×3×3×3 = 1,728 + bias 64". */
  parameterText: string;
  /** One formula per spatial dimension (or the feature dimension of a linear layer). */
  outputFormulas: string[];
  /** A worked example: the output size for a concrete input size. */
  example?: { input: number[]; output: number[] };
}
