import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['Relu', { op: 'Relu', opset: 13, inputs: [{ dims: [2, 3, 4] }] }],
  ['Sigmoid', { op: 'Sigmoid', opset: 13, inputs: [{ dims: [2, 5] }] }],
  ['Tanh', { op: 'Tanh', opset: 13, inputs: [{ dims: [2, 5] }] }],
  ['LeakyRelu', { op: 'LeakyRelu', opset: 13, floatAttributes: { alpha: 0.2 }, inputs: [{ dims: [3, 4] }] }],
  ['Add same shape', { op: 'Add', opset: 13, inputs: [{ dims: [2, 3] }, { dims: [2, 3] }] }],
  ['Add broadcast [2,3,4] + [3,1]', { op: 'Add', opset: 13, inputs: [{ dims: [2, 3, 4] }, { dims: [3, 1] }] }],
  ['Add broadcast opset 7', { op: 'Add', opset: 7, inputs: [{ dims: [1, 3] }, { dims: [2, 1, 1] }] }],
  ['Sub broadcast', { op: 'Sub', opset: 13, inputs: [{ dims: [4] }, { dims: [2, 3, 4] }] }],
  ['Mul broadcast', { op: 'Mul', opset: 14, inputs: [{ dims: [2, 3, 4] }, { dims: [1, 3, 1] }] }],
  ['Div broadcast', { op: 'Div', opset: 13, inputs: [{ dims: [2, 3] }, { dims: [3], positive: true }] }],
  ['MatMul 2-D', { op: 'MatMul', opset: 13, inputs: [{ dims: [3, 4] }, { dims: [4, 5] }] }],
  ['MatMul batched broadcast', { op: 'MatMul', opset: 13, inputs: [{ dims: [2, 1, 3, 4] }, { dims: [3, 4, 2] }] }],
  ['MatMul vector × matrix', { op: 'MatMul', opset: 13, inputs: [{ dims: [4] }, { dims: [2, 4, 3] }] }],
  ['MatMul matrix × vector', { op: 'MatMul', opset: 13, inputs: [{ dims: [2, 3, 4] }, { dims: [4] }] }],
];

describe('gradient rules: elementwise and matrix operators', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
