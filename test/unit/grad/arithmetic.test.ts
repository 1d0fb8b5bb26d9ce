import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['Sum of three with broadcasting', { op: 'Sum', opset: 13, inputs: [{ dims: [2, 3] }, { dims: [3] }, { dims: [2, 1] }] }],
  ['Neg', { op: 'Neg', opset: 13, inputs: [{ dims: [2, 3] }] }],
  ['Exp', { op: 'Exp', opset: 13, inputs: [{ dims: [2, 3] }] }],
  ['Log', { op: 'Log', opset: 13, inputs: [{ dims: [2, 3], positive: true }] }],
  ['Sqrt', { op: 'Sqrt', opset: 13, inputs: [{ dims: [2, 3], positive: true }] }],
  ['Abs', { op: 'Abs', opset: 13, inputs: [{ dims: [3, 4] }] }],
  ['Pow with broadcast exponent', { op: 'Pow', opset: 15, inputs: [{ dims: [2, 3], positive: true }, { dims: [3] }] }],
  ['Pow with a zero base', { op: 'Pow', opset: 15, inputs: [{ dims: [3], values: [0, 1.5, 2] }, { dims: [3], values: [2, 3, 0.5] }] }],
  ['Expand', { op: 'Expand', opset: 13, inputs: [{ dims: [3, 1] }, { dims: [3], values: [2, 3, 4], int64: true }] }],
];

describe('gradient rules: arithmetic', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
