import { inspectTfjs } from '../tfjs/inspect';
import { inspectOnnx } from './onnx';
import type { ModelSummary } from './types';

export type { ModelSummary, LayerInfo, TensorInfo, Shape, Dim, ModelFormat } from './types';
export { OnnxFormatError } from '../onnx/codec';
export { TfjsFormatError } from '../tfjs/inspect';

export interface InspectOptions {
  /** ONNX: values for symbolic input dims, so that dynamic spatial sizes get shapes and MACs. */
  dims?: Record<string, number>;
}

/** Summarizes an ONNX file, or a TensorFlow.js model.json (layers or graph model). */
export async function inspectModel(file: string, options: InspectOptions = {}): Promise<ModelSummary> {
  if (file.toLowerCase().endsWith('.json')) return inspectTfjs(file);
  return inspectOnnx(file, options);
}
