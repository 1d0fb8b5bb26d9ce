import { checkOperatorGradient, OpCase } from './gradient-check';

const cases: [string, OpCase][] = [
  ['Flatten axis 2', { op: 'Flatten', opset: 13, attributes: { axis: 2 }, inputs: [{ dims: [2, 3, 2, 2] }] }],
  ['Reshape', { op: 'Reshape', opset: 13, inputs: [{ dims: [2, 3, 4] }, { dims: [2], values: [4, -1], int64: true }] }],
  ['Transpose', { op: 'Transpose', opset: 13, attributes: { perm: [2, 0, 1] }, inputs: [{ dims: [2, 3, 4] }] }],
  ['Transpose default perm', { op: 'Transpose', opset: 13, inputs: [{ dims: [2, 3, 4] }] }],
  ['Concat axis 1', { op: 'Concat', opset: 13, attributes: { axis: 1 }, inputs: [{ dims: [2, 1, 3] }, { dims: [2, 3, 3] }, { dims: [2, 2, 3] }] }],
  ['Concat negative axis', { op: 'Concat', opset: 11, attributes: { axis: -1 }, inputs: [{ dims: [2, 2] }, { dims: [2, 3] }] }],
  ['Split opset 11, output 1', { op: 'Split', opset: 11, attributes: { axis: 1, split: [1, 3, 2] }, outputCount: 3, objectiveOutput: 1, inputs: [{ dims: [2, 6] }] }],
  ['Split opset 13, split input, output 0', { op: 'Split', opset: 13, attributes: { axis: 0 }, outputCount: 2, inputs: [{ dims: [4, 3] }, { dims: [2], values: [1, 3], int64: true }] }],
  ['Slice with steps and negative bounds', { op: 'Slice', opset: 13, inputs: [{ dims: [5, 7] }, { dims: [2], values: [1, -6], int64: true }, { dims: [2], values: [100, 6], int64: true }, { dims: [2], values: [0, 1], int64: true }, { dims: [2], values: [2, 2], int64: true }] }],
  ['Slice with negative step', { op: 'Slice', opset: 13, inputs: [{ dims: [4, 6] }, { dims: [1], values: [5], int64: true }, { dims: [1], values: [0], int64: true }, { dims: [1], values: [1], int64: true }, { dims: [1], values: [-2], int64: true }] }],
  ['Slice opset 9 (attributes)', { op: 'Slice', opset: 9, attributes: { starts: [1, 0], ends: [3, 2], axes: [1, 2] }, inputs: [{ dims: [2, 4, 3] }] }],
  ['Squeeze opset 11', { op: 'Squeeze', opset: 11, attributes: { axes: [1] }, inputs: [{ dims: [2, 1, 3] }] }],
  ['Squeeze opset 13', { op: 'Squeeze', opset: 13, inputs: [{ dims: [2, 1, 3] }, { dims: [1], values: [1], int64: true }] }],
  ['Unsqueeze opset 13', { op: 'Unsqueeze', opset: 13, inputs: [{ dims: [2, 3] }, { dims: [2], values: [0, 3], int64: true }] }],
  ['Pad constant with a pad value', { op: 'Pad', opset: 13, inputs: [{ dims: [2, 3, 3] }, { dims: [6], values: [0, 1, 2, 0, 2, 1], int64: true }, { dims: [], values: [0.3] }] }],
  ['Pad with negative pads', { op: 'Pad', opset: 11, inputs: [{ dims: [1, 4, 5] }, { dims: [6], values: [0, -1, 2, 0, 1, -2], int64: true }] }],
  ['Pad reflect', { op: 'Pad', opset: 13, attributes: { mode: 'reflect' }, inputs: [{ dims: [1, 2, 4, 5] }, { dims: [8], values: [0, 0, 2, 1, 0, 0, 3, 4], int64: true }] }],
  ['Pad edge', { op: 'Pad', opset: 13, attributes: { mode: 'edge' }, inputs: [{ dims: [1, 2, 3, 4] }, { dims: [8], values: [0, 0, 2, 0, 0, 0, 1, 3], int64: true }] }],
  ['Pad opset 2 (attributes)', { op: 'Pad', opset: 7, attributes: { pads: [0, 1, 1, 0] }, floatAttributes: { value: 0.5 }, inputs: [{ dims: [2, 3] }] }],
  ['ReduceSum keepdims 0 (axes input)', { op: 'ReduceSum', opset: 13, attributes: { keepdims: 0 }, inputs: [{ dims: [2, 3, 4] }, { dims: [2], values: [0, 2], int64: true }] }],
  ['ReduceSum all axes, opset 11', { op: 'ReduceSum', opset: 11, inputs: [{ dims: [2, 3] }] }],
  ['ReduceMean keepdims 1', { op: 'ReduceMean', opset: 13, attributes: { axes: [-1] }, inputs: [{ dims: [2, 3, 4] }] }],
  ['ReduceMean keepdims 0, two axes', { op: 'ReduceMean', opset: 18, attributes: { keepdims: 0 }, inputs: [{ dims: [2, 3, 4] }, { dims: [2], values: [1, 2], int64: true }] }],
];

describe('gradient rules: shape operators, Pad, Slice and reductions', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
