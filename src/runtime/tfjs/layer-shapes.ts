import type { Dim, Shape } from '../inspect/types';

/** A Keras layer config as tfjs model.json stores it. */
export type LayerConfig = Record<string, unknown>;

/** Output shape of a Keras layer from its input shapes (batch axis first, channels last unless configured). */
export type LayerShapeRule = (inputs: (Shape | null)[], config: LayerConfig) => Shape | null;

const pair = (value: unknown, fallback: number): [number, number] => {
  if (Array.isArray(value)) return [Number(value[0]), Number(value[value.length > 1 ? 1 : 0])];
  if (typeof value === 'number') return [value, value];
  return [fallback, fallback];
};

const channelsFirst = (config: LayerConfig) => config.data_format === 'channels_first';

/** Spatial (height, width) and channel positions in a rank-4 shape. */
function axes(config: LayerConfig): { spatial: [number, number]; channel: number } {
  return channelsFirst(config) ? { spatial: [2, 3], channel: 1 } : { spatial: [1, 2], channel: 3 };
}

function windowDim(input: Dim, kernel: number, stride: number, dilation: number, padding: string): Dim {
  if (typeof input !== 'number') return null;
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.floor((input - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

function windowed(input: Shape | null, config: LayerConfig, kernelKey: string, channels: (inputChannels: Dim) => Dim): Shape | null {
  if (!input || input.length !== 4) return null;
  const kernel = pair(config[kernelKey], 1);
  const strides = pair(config.strides ?? (kernelKey === 'pool_size' ? config.pool_size : undefined), 1);
  const dilation = pair(config.dilation_rate, 1);
  const padding = String(config.padding ?? 'valid');
  const { spatial, channel } = axes(config);
  const output: Shape = [...input];
  spatial.forEach((axis, i) => { output[axis] = windowDim(input[axis], kernel[i], strides[i], dilation[i], padding); });
  output[channel] = channels(input[channel]);
  return output;
}

const sameShape: LayerShapeRule = ([input]) => input;

const conv: LayerShapeRule = ([input], config) => windowed(input, config, 'kernel_size', () => Number(config.filters));
const depthwise: LayerShapeRule = ([input], config) => windowed(input, config, 'kernel_size', (c) => (typeof c === 'number' ? c * Number(config.depth_multiplier ?? 1) : null));
const pool: LayerShapeRule = ([input], config) => windowed(input, config, 'pool_size', (c) => c);

const convTranspose: LayerShapeRule = ([input], config) => {
  if (!input || input.length !== 4) return null;
  const kernel = pair(config.kernel_size, 1);
  const strides = pair(config.strides, 1);
  const { spatial, channel } = axes(config);
  const output: Shape = [...input];
  spatial.forEach((axis, i) => {
    const dim = input[axis];
    output[axis] = typeof dim !== 'number' ? null : config.padding === 'same' ? dim * strides[i] : dim * strides[i] + Math.max(kernel[i] - strides[i], 0);
  });
  output[channel] = Number(config.filters);
  return output;
};

const globalPool: LayerShapeRule = ([input], config) => {
  if (!input || input.length !== 4) return null;
  const { spatial, channel } = axes(config);
  if (config.keepdims) return input.map((dim, i) => (spatial.includes(i) ? 1 : dim));
  return [input[0], input[channel]];
};

const dense: LayerShapeRule = ([input], config) => (input ? [...input.slice(0, -1), Number(config.units)] : null);

const flatten: LayerShapeRule = ([input]) => {
  if (!input) return null;
  const rest = input.slice(1);
  return [input[0], rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((p, d) => p * d, 1) : null];
};

const reshape: LayerShapeRule = ([input], config) => {
  const target = (config.target_shape as number[] | undefined) ?? [];
  if (!input) return null;
  const known = input.slice(1);
  const total = known.every((d) => typeof d === 'number') ? (known as number[]).reduce((p, d) => p * d, 1) : null;
  const fixed = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  return [input[0], ...target.map((d) => (d === -1 ? (total === null ? null : total / fixed) : d))];
};

const zeroPadding: LayerShapeRule = ([input], config) => {
  if (!input || input.length !== 4) return null;
  const raw = config.padding;
  const padding: [number, number][] = Array.isArray(raw)
    ? (raw as unknown[]).map((entry) => (Array.isArray(entry) ? [Number(entry[0]), Number(entry[1])] : [Number(entry), Number(entry)]))
    : [[Number(raw ?? 1), Number(raw ?? 1)], [Number(raw ?? 1), Number(raw ?? 1)]];
  const { spatial } = axes(config);
  const output: Shape = [...input];
  spatial.forEach((axis, i) => { const d = input[axis]; output[axis] = typeof d === 'number' ? d + padding[i][0] + padding[i][1] : null; });
  return output;
};

const upSampling: LayerShapeRule = ([input], config) => {
  if (!input || input.length !== 4) return null;
  const size = pair(config.size, 2);
  const { spatial } = axes(config);
  const output: Shape = [...input];
  spatial.forEach((axis, i) => { const d = input[axis]; output[axis] = typeof d === 'number' ? d * size[i] : null; });
  return output;
};

const merge: LayerShapeRule = (inputs) => inputs.find((s) => s) ?? null;

const concatenate: LayerShapeRule = (inputs, config) => {
  if (inputs.some((s) => !s)) return null;
  const shapes = inputs as Shape[];
  const rank = shapes[0].length;
  const axis = Number(config.axis ?? -1) < 0 ? rank + Number(config.axis ?? -1) : Number(config.axis);
  return shapes[0].map((dim, i) => (i === axis ? (shapes.every((s) => typeof s[i] === 'number') ? shapes.reduce((sum, s) => sum + (s[i] as number), 0) : null) : dim));
};

const sameShapeLayers = ['BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'LayerNormalization', 'Rescaling', 'Normalization'];

export const layerShapeRules: Record<string, LayerShapeRule> = {
  ...Object.fromEntries(sameShapeLayers.map((name) => [name, sameShape])),
  Conv2D: conv, SeparableConv2D: conv, DepthwiseConv2D: depthwise, Conv2DTranspose: convTranspose,
  MaxPooling2D: pool, AveragePooling2D: pool, GlobalAveragePooling2D: globalPool, GlobalMaxPooling2D: globalPool,
  Dense: dense, Flatten: flatten, Reshape: reshape, ZeroPadding2D: zeroPadding, UpSampling2D: upSampling,
  Add: merge, Multiply: merge, Subtract: merge, Average: merge, Maximum: merge, Minimum: merge, Concatenate: concatenate,
};
