import { checkOperatorGradient, OpCase } from './gradient-check';

const sizes = (values: number[]) => ({ dims: [values.length], values, int64: true });
const scales = (values: number[]) => ({ dims: [values.length], values, fixed: true });
const emptyRoi = { dims: [0], values: [], fixed: true };

const cases: [string, OpCase][] = [
  ['Resize nearest ×2 (asymmetric, floor)', { op: 'Resize', opset: 13, attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, inputs: [{ dims: [1, 2, 3, 3] }, emptyRoi, scales([1, 1, 2, 2])], precision: 'float32' }],
  ['Resize nearest to sizes (half_pixel, round_prefer_floor)', { op: 'Resize', opset: 13, attributes: { mode: 'nearest' }, inputs: [{ dims: [1, 1, 3, 4] }, { dims: [0], absent: true }, { dims: [0], absent: true }, sizes([1, 1, 5, 7])], precision: 'float32' }],
  ['Resize linear ×2 (half_pixel)', { op: 'Resize', opset: 13, attributes: { mode: 'linear' }, inputs: [{ dims: [1, 2, 3, 4] }, emptyRoi, scales([1, 1, 2, 2])], precision: 'float32' }],
  ['Resize linear align_corners to sizes', { op: 'Resize', opset: 11, attributes: { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, inputs: [{ dims: [1, 1, 3, 3] }, emptyRoi, { dims: [0], values: [], fixed: true }, sizes([1, 1, 5, 4])], precision: 'float32' }],
  ['Resize linear pytorch_half_pixel downsampling', { op: 'Resize', opset: 13, attributes: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, inputs: [{ dims: [1, 1, 6, 5] }, emptyRoi, scales([1, 1, 0.5, 0.6])], precision: 'float32' }],
  ['Resize opset 18 with axes and keep_aspect_ratio_policy not_larger', { op: 'Resize', opset: 18, attributes: { mode: 'nearest', axes: [3, 2], keep_aspect_ratio_policy: 'not_larger' }, inputs: [{ dims: [1, 1, 3, 4] }, { dims: [0], absent: true }, { dims: [0], absent: true }, sizes([7, 5])], precision: 'float32' }],
  ['Resize linear half_pixel_symmetric', { op: 'Resize', opset: 19, attributes: { mode: 'linear', coordinate_transformation_mode: 'half_pixel_symmetric' }, inputs: [{ dims: [1, 1, 4, 3] }, emptyRoi, scales([1, 1, 1.7, 2.5])], precision: 'float32' }],
  ['Resize cubic ×1.5 (half_pixel)', { op: 'Resize', opset: 13, attributes: { mode: 'cubic' }, inputs: [{ dims: [1, 1, 4, 4] }, emptyRoi, scales([1, 1, 1.5, 1.5])], precision: 'float32' }],
  ['Resize cubic downsampling, exclude_outside, a = −0.5', { op: 'Resize', opset: 13, attributes: { mode: 'cubic', exclude_outside: 1 }, floatAttributes: { cubic_coeff_a: -0.5 }, inputs: [{ dims: [1, 2, 6, 5] }, emptyRoi, scales([1, 1, 0.6, 0.8])], precision: 'float32' }],
  ['Resize linear tf_crop_and_resize reaching outside the input', { op: 'Resize', opset: 13, attributes: { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize' }, floatAttributes: { extrapolation_value: 0.5 }, inputs: [{ dims: [1, 1, 4, 4] }, { dims: [8], values: [0, 0, 0.2, -0.3, 1, 1, 1.1, 0.9], fixed: true }, { dims: [0], absent: true }, sizes([1, 1, 5, 3])], precision: 'float32' }],
  ['Upsample opset 9 nearest', { op: 'Upsample', opset: 9, attributes: { mode: 'nearest' }, inputs: [{ dims: [1, 2, 2, 3] }, scales([1, 1, 2, 3])], precision: 'float32' }],
  ['Upsample opset 7 linear', { op: 'Upsample', opset: 7, attributes: { mode: 'linear', scales: { floats: [1, 1, 2, 2] } }, inputs: [{ dims: [1, 1, 3, 3] }], precision: 'float32' }],
];

describe('gradient rules: Resize and Upsample', () => {
  for (const [title, testCase] of cases) it(title, () => checkOperatorGradient(testCase));
});
