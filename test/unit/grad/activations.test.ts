import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['PRelu with per-channel slope', { op: 'PRelu', opset: 9, inputs: [{ dims: [2, 3, 2, 2] }, { dims: [3, 1, 1] }] }],
  ['Clip ReLU6 (bounds as inputs)', { op: 'Clip', opset: 11, inputs: [{ dims: [3, 8], scale: 8 }, { dims: [], values: [0], fixed: true }, { dims: [], values: [6], fixed: true }] }],
  ['Clip with differentiated bounds', { op: 'Clip', opset: 13, inputs: [{ dims: [4, 5] }, { dims: [], values: [-0.5] }, { dims: [], values: [0.45] }] }],
  ['Clip with min above max', { op: 'Clip', opset: 13, inputs: [{ dims: [3, 4] }, { dims: [], values: [0.4] }, { dims: [], values: [-0.2] }] }],
  ['Clip opset 7 (bounds as attributes)', { op: 'Clip', opset: 7, floatAttributes: { min: -0.3, max: 0.6 }, inputs: [{ dims: [3, 7] }] }],
  ['HardSigmoid', { op: 'HardSigmoid', opset: 7, floatAttributes: { alpha: 0.3, beta: 0.4 }, inputs: [{ dims: [4, 6], scale: 4 }] }],
  ['HardSwish', { op: 'HardSwish', opset: 14, inputs: [{ dims: [4, 6], scale: 5 }], precision: 'float32' }],
  ['Softmax opset 13, axis 1 of 3-D', { op: 'Softmax', opset: 13, attributes: { axis: 1 }, inputs: [{ dims: [2, 3, 4] }] }],
  ['Softmax opset 11, coerced 2-D from axis 1', { op: 'Softmax', opset: 11, attributes: { axis: 1 }, inputs: [{ dims: [2, 3, 4] }] }],
  ['LogSoftmax opset 13, last axis', { op: 'LogSoftmax', opset: 13, inputs: [{ dims: [3, 5] }] }],
  ['LogSoftmax opset 9, default axis of 3-D', { op: 'LogSoftmax', opset: 9, inputs: [{ dims: [2, 2, 3] }] }],
  ['Dropout (inference)', { op: 'Dropout', opset: 13, inputs: [{ dims: [2, 3] }] }],
  ['Dropout opset 7', { op: 'Dropout', opset: 7, inputs: [{ dims: [2, 3] }] }],
  ['Identity', { op: 'Identity', opset: 13, inputs: [{ dims: [2, 3] }] }],
  ['Cast to float', { op: 'Cast', opset: 13, attributes: { to: 1 }, inputs: [{ dims: [2, 3] }], precision: 'float32' }],
];

describe('gradient rules: activations', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
