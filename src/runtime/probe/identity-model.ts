import { createMessage, encodeModel, type OnnxModel } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';

/** A one-node Identity model (float32 [1] → [1]): the cheapest session an execution provider can be asked to run. */
export function identityModelBytes(): Uint8Array {
  const tensorType = { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 1 }] } } };
  const model = createMessage<OnnxModel>('ModelProto', {
    ir_version: 8,
    producer_name: 'cnn-studio runtime probe',
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'identity',
      node: [{ op_type: 'Identity', input: ['x'], output: ['y'], name: 'identity' }],
      input: [{ name: 'x', type: tensorType }],
      output: [{ name: 'y', type: tensorType }],
    },
  });
  return encodeModel(model);
}
