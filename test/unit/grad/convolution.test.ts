import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['Conv 3×3, bias', { op: 'Conv', opset: 13, attributes: { kernel_shape: [3, 3] }, inputs: [{ dims: [2, 3, 5, 5] }, { dims: [4, 3, 3, 3] }, { dims: [4] }] }],
  ['Conv stride 2, asymmetric pads', { op: 'Conv', opset: 11, attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 0, 1] }, inputs: [{ dims: [1, 2, 6, 7] }, { dims: [3, 2, 3, 3] }] }],
  ['Conv dilations 2', { op: 'Conv', opset: 13, attributes: { kernel_shape: [2, 3], dilations: [2, 2], pads: [1, 1, 1, 1] }, inputs: [{ dims: [1, 2, 6, 6] }, { dims: [2, 2, 2, 3] }, { dims: [2] }] }],
  ['Conv groups 2', { op: 'Conv', opset: 13, attributes: { kernel_shape: [3, 3], group: 2, pads: [1, 1, 1, 1] }, inputs: [{ dims: [2, 4, 4, 4] }, { dims: [6, 2, 3, 3] }, { dims: [6] }] }],
  ['Conv depthwise stride 2', { op: 'Conv', opset: 13, attributes: { kernel_shape: [3, 3], group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [{ dims: [1, 3, 7, 7] }, { dims: [3, 1, 3, 3] }] }],
  ['Conv auto_pad SAME_UPPER, opset 7', { op: 'Conv', opset: 7, attributes: { kernel_shape: [5, 5], auto_pad: 'SAME_UPPER' }, inputs: [{ dims: [1, 1, 6, 6] }, { dims: [2, 1, 5, 5] }] }],
  ['Conv 1×1', { op: 'Conv', opset: 13, attributes: { kernel_shape: [1, 1] }, inputs: [{ dims: [2, 3, 3, 3] }, { dims: [2, 3, 1, 1] }] }],
  ['Conv 1-D', { op: 'Conv', opset: 13, attributes: { kernel_shape: [3], strides: [2] }, inputs: [{ dims: [2, 2, 9] }, { dims: [3, 2, 3] }, { dims: [3] }] }],
  ['ConvTranspose stride 2, output_padding', { op: 'ConvTranspose', opset: 13, attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, inputs: [{ dims: [1, 2, 3, 3] }, { dims: [2, 3, 3, 3] }, { dims: [3] }] }],
  ['ConvTranspose groups, dilations', { op: 'ConvTranspose', opset: 13, attributes: { kernel_shape: [2, 2], group: 2, dilations: [2, 1] }, inputs: [{ dims: [2, 4, 3, 3] }, { dims: [4, 1, 2, 2] }] }],
  ['ConvTranspose output_shape', { op: 'ConvTranspose', opset: 13, attributes: { kernel_shape: [3, 3], strides: [3, 2], output_shape: [10, 8] }, inputs: [{ dims: [1, 1, 3, 3] }, { dims: [1, 2, 3, 3] }] }],
  ['ConvTranspose auto_pad SAME_UPPER', { op: 'ConvTranspose', opset: 13, attributes: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, inputs: [{ dims: [1, 2, 3, 3] }, { dims: [2, 1, 3, 3] }] }],
  ['Gemm transB, bias row', { op: 'Gemm', opset: 13, floatAttributes: { alpha: 0.7, beta: 1.3 }, attributes: { transB: 1 }, inputs: [{ dims: [3, 4] }, { dims: [5, 4] }, { dims: [5] }] }],
  ['Gemm transA, full C', { op: 'Gemm', opset: 9, attributes: { transA: 1 }, inputs: [{ dims: [4, 3] }, { dims: [4, 2] }, { dims: [3, 2] }] }],
  ['Gemm both transposed, scalar C', { op: 'Gemm', opset: 11, attributes: { transA: 1, transB: 1 }, inputs: [{ dims: [4, 3] }, { dims: [2, 4] }, { dims: [1] }] }],
];

describe('gradient rules: convolution and Gemm', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
