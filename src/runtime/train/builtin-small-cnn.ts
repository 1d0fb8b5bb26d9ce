import { createMessage, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';
import { makeAttribute, makeTensor } from '../grad/emitter';
import { seededRandom } from '../random';
import { pytorchDefaultInit } from './head';

export const SMALL_CNN_NAME = 'builtin:small-cnn';
export const SMALL_CNN_INPUT = 'input';
export const SMALL_CNN_OUTPUT = 'logits';

export interface SmallCnnOptions {
  channels: number;
  height: number;
  width: number;
  classes: number;
  seed: number;
}

/**
 * The built-in CNN for quick experiments (PyTorch's MNIST example): conv32 3×3 - ReLU - conv64 3×3 - ReLU -
 * maxpool 2 - dropout 0.25 - flatten - dense128 - ReLU - dropout 0.5 - dense(classes), unpadded convolutions,
 * weights initialized as PyTorch's defaults from a seeded generator. Input: NCHW float pixels in [0, 1].
 */
export function buildSmallCnn(options: SmallCnnOptions): OnnxModel {
  const { channels, height, width, classes } = options;
  if (height < 6 || width < 6) throw new Error(`${SMALL_CNN_NAME} needs images of at least 6×6 pixels (got ${height}×${width})`);
  if (classes < 2) throw new Error(`${SMALL_CNN_NAME} needs at least 2 classes (got ${classes})`);
  const random = seededRandom(options.seed);
  const initializer: OnnxTensor[] = [];
  const parameter = (name: string, dims: number[], fanIn: number) => {
    initializer.push(makeTensor(name, DataType.FLOAT, dims, pytorchDefaultInit(dims.reduce((a, b) => a * b, 1), fanIn, random)));
    return name;
  };
  const nodes: OnnxNode[] = [];
  const node = (opType: string, name: string, inputs: string[], attributes: Record<string, number | number[]> = {}) => {
    nodes.push(createMessage<OnnxNode>('NodeProto', {
      name, op_type: opType, input: inputs, output: [name],
      attribute: Object.entries(attributes).map(([key, value]) => makeAttribute(key, value)),
    }));
    return name;
  };
  const pooledHeight = Math.floor((height - 4) / 2);
  const pooledWidth = Math.floor((width - 4) / 2);
  const features = 64 * pooledHeight * pooledWidth;

  const conv1 = node('Conv', 'conv1', [SMALL_CNN_INPUT, parameter('conv1.weight', [32, channels, 3, 3], channels * 9), parameter('conv1.bias', [32], channels * 9)], { kernel_shape: [3, 3] });
  const relu1 = node('Relu', 'relu1', [conv1]);
  const conv2 = node('Conv', 'conv2', [relu1, parameter('conv2.weight', [64, 32, 3, 3], 32 * 9), parameter('conv2.bias', [64], 32 * 9)], { kernel_shape: [3, 3] });
  const relu2 = node('Relu', 'relu2', [conv2]);
  const pool = node('MaxPool', 'pool', [relu2], { kernel_shape: [2, 2], strides: [2, 2] });
  const dropout1 = node('Dropout', 'dropout1', [pool, ratio(initializer, 'dropout1.ratio', 0.25)]);
  const flat = node('Flatten', 'flatten', [dropout1], { axis: 1 });
  const fc1 = node('Gemm', 'fc1', [flat, parameter('fc1.weight', [128, features], features), parameter('fc1.bias', [128], features)], { transB: 1 });
  const relu3 = node('Relu', 'relu3', [fc1]);
  const dropout2 = node('Dropout', 'dropout2', [relu3, ratio(initializer, 'dropout2.ratio', 0.5)]);
  nodes.push(createMessage<OnnxNode>('NodeProto', {
    name: 'fc2', op_type: 'Gemm', input: [dropout2, parameter('fc2.weight', [classes, 128], 128), parameter('fc2.bias', [classes], 128)],
    output: [SMALL_CNN_OUTPUT], attribute: [makeAttribute('transB', 1)],
  }));

  const info = (name: string, dims: (number | string)[]) => createMessage<OnnxValueInfo>('ValueInfoProto', {
    name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  });
  return createMessage<OnnxModel>('ModelProto', {
    ir_version: 8,
    producer_name: 'cnn-studio',
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'small_cnn',
      node: nodes,
      initializer,
      input: [info(SMALL_CNN_INPUT, ['batch', channels, height, width])],
      output: [info(SMALL_CNN_OUTPUT, ['batch', classes])],
      value_info: [],
    },
    // The Windows ML image metadata that preprocessing guesses read: pixels scaled to [0, 1], no mean/std.
    metadata_props: [
      { key: 'Image.NominalPixelRange', value: 'Normalized_0_1' },
      { key: 'Image.BitmapPixelFormat', value: channels === 1 ? 'Gray8' : 'Rgb8' },
      { key: 'Image.ColorSpaceGamma', value: 'SRGB' },
    ],
  });
}

function ratio(initializer: OnnxTensor[], name: string, value: number): string {
  initializer.push(makeTensor(name, DataType.FLOAT, [], [value]));
  return name;
}
