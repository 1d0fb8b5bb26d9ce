import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['MaxPool 2×2 stride 2 (MaxUnpool)', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [2, 2], strides: [2, 2] }, inputs: [{ dims: [2, 2, 4, 6] }] }],
  ['MaxPool 3×3 stride 2 pads 1 (overlapping)', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [{ dims: [1, 2, 7, 7] }] }],
  ['MaxPool ceil_mode, overlapping', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [{ dims: [1, 2, 6, 6] }] }],
  ['MaxPool dilations 2', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [2, 2], dilations: [2, 2] }, inputs: [{ dims: [1, 1, 5, 5] }] }],
  ['MaxPool storage_order 1, overlapping', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [3, 2], strides: [1, 1], storage_order: 1 }, inputs: [{ dims: [2, 2, 5, 4] }] }],
  ['MaxPool storage_order 1, non-overlapping', { op: 'MaxPool', opset: 12, attributes: { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 }, inputs: [{ dims: [1, 2, 4, 6] }] }],
  ['MaxPool opset 7', { op: 'MaxPool', opset: 7, attributes: { kernel_shape: [3, 3], strides: [3, 3] }, inputs: [{ dims: [1, 2, 6, 6] }] }],
  ['AveragePool 3×3 stride 2 pads, count_include_pad 0', { op: 'AveragePool', opset: 11, attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [{ dims: [1, 2, 6, 6] }] }],
  ['AveragePool count_include_pad 1, ceil_mode', { op: 'AveragePool', opset: 11, attributes: { kernel_shape: [2, 3], strides: [2, 2], pads: [1, 0, 1, 1], count_include_pad: 1, ceil_mode: 1 }, inputs: [{ dims: [2, 1, 5, 6] }] }],
  ['AveragePool dilations 2, ceil_mode', { op: 'AveragePool', opset: 19, attributes: { kernel_shape: [2, 2], strides: [2, 1], dilations: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1 }, inputs: [{ dims: [1, 2, 6, 5] }] }],
  ['GlobalAveragePool', { op: 'GlobalAveragePool', opset: 13, inputs: [{ dims: [2, 3, 3, 4] }] }],
  ['GlobalMaxPool', { op: 'GlobalMaxPool', opset: 13, inputs: [{ dims: [2, 3, 3, 4] }] }],
  ['BatchNormalization (inference), all inputs', { op: 'BatchNormalization', opset: 15, floatAttributes: { epsilon: 0.01 }, inputs: [{ dims: [2, 3, 2, 2] }, { dims: [3] }, { dims: [3] }, { dims: [3] }, { dims: [3], positive: true }] }],
  ['BatchNormalization opset 7 (spatial)', { op: 'BatchNormalization', opset: 7, attributes: { spatial: 1 }, inputs: [{ dims: [1, 2, 3] }, { dims: [2] }, { dims: [2] }, { dims: [2], fixed: true }, { dims: [2], positive: true, fixed: true }] }],
  ['BatchNormalization training_mode 1', { op: 'BatchNormalization', opset: 15, attributes: { training_mode: 1 }, outputCount: 3, inputs: [{ dims: [3, 2, 2, 3] }, { dims: [2] }, { dims: [2] }, { dims: [2], fixed: true }, { dims: [2], positive: true, fixed: true }] }],
  ['BatchNormalization training: running mean', { op: 'BatchNormalization', opset: 15, attributes: { training_mode: 1 }, floatAttributes: { momentum: 0.8 }, outputCount: 3, objectiveOutput: 1, inputs: [{ dims: [3, 2, 2, 3] }, { dims: [2] }, { dims: [2] }, { dims: [2] }, { dims: [2], positive: true }] }],
  ['BatchNormalization training: running variance', { op: 'BatchNormalization', opset: 15, attributes: { training_mode: 1 }, outputCount: 3, objectiveOutput: 2, inputs: [{ dims: [3, 2, 2, 3] }, { dims: [2] }, { dims: [2] }, { dims: [2] }, { dims: [2], positive: true }] }],
  ['InstanceNormalization', { op: 'InstanceNormalization', opset: 7, floatAttributes: { epsilon: 0.001 }, inputs: [{ dims: [2, 3, 2, 3] }, { dims: [3] }, { dims: [3] }] }],
];

describe('gradient rules: pooling and normalization', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
