import type { OnnxModel } from '../../onnx/codec';
import { constantsToInitializers } from '../../onnx/convert';

/** Weights stored as Constant nodes (as some exporters write them) become initializers, which the quantizer can rewrite. */
export function constantsAsInitializers(model: OnnxModel): OnnxModel {
  return model.graph.node.some((node) => node.op_type === 'Constant') ? constantsToInitializers(model) : model;
}
