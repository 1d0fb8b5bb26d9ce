/** What the Model Inspector, the `inspect` CLI verb and the tests know about a model. */

/** A dimension is a number, a symbolic name (for example 'batch_size'), or null when unknown. */
export type Dim = number | string | null;
export type Shape = Dim[];

export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: Shape | null;
}

export interface LayerInfo {
  name: string;
  type: string;
  inputs: string[];
  outputs: string[];
  /** Shape of the first output. */
  outputShape: Shape | null;
  outputShapes: (Shape | null)[];
  params: number;
  /** Multiply-accumulates for one sample; null when the layer computes some but its shapes are not known. */
  macs: number | null;
  /** Attribute values as JSON (tensors summarized). */
  attributes: Record<string, unknown>;
}

export interface ModelSummary {
  format: ModelFormat;
  file: string;
  fileSize: number;
  producer: string | null;
  /** ONNX: default-domain opset; tfjs: null. */
  opset: number | null;
  irVersion: number | null;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  params: number;
  paramBytesByDtype: Record<string, { count: number; bytes: number }>;
  /** Total multiply-accumulates for one sample; null when any layer's are unknown (bind the dims to know them). */
  macs: number | null;
  /** The sum over the layers whose MACs are known (equals macs when macs is not null). */
  macsKnown: number;
  /** Op type → count. */
  ops: Record<string, number>;
  layers: LayerInfo[];
  metadata: Record<string, string>;
}
