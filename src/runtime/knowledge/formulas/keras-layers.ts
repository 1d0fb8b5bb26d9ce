import type { Argument } from '../call-parser';
import type { LayerSpec, Term } from './layer-spec';
import { type BoundArguments, biasFlag, bindConfigObject, bindPython, kerasPadding, literalShape, perDimension, term } from './arguments';

/** Keras and TensorFlow.js share layer semantics; only argument spelling differs (snake_case vs camelCase). */
interface Spelling {
  bind(args: Argument[], positional: string[]): BoundArguments;
  name(snake: string): string;
  /** The data-format value meaning channels first. */
  channelsFirst: string;
}

const python: Spelling = { bind: bindPython, name: (snake) => snake, channelsFirst: 'channels_first' };
const configObject: Spelling = {
  bind: (args) => bindConfigObject(args),
  name: (snake) => snake.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()),
  channelsFirst: 'channelsFirst',
};

/**
 * The input shape without the batch, from `input_shape` or `batch_input_shape` (`inputShape`/`batchInputShape`):
 * spatial sizes and channels, channels last unless `data_format` (`dataFormat`) says channels first.
 */
function inputShape(bound: BoundArguments, spelling: Spelling, dims: number): { size?: number[]; channels: Term } {
  const shape = literalShape(bound.get(spelling.name('input_shape'))) ?? literalShape(bound.get(spelling.name('batch_input_shape')), true);
  if (!shape || shape.length !== dims + 1) return { channels: 'C_in' };
  return channelsFirst(bound, spelling) ? { size: shape.slice(1), channels: shape[0] } : { size: shape.slice(0, dims), channels: shape[dims] };
}

function channelsFirst(bound: BoundArguments, spelling: Spelling): boolean {
  const format = bound.get(spelling.name('data_format'));
  return format?.kind === 'string' && format.value === spelling.channelsFirst;
}

/** tfjs's conv2dTranspose ignores dilationRate (it always computes with dilation 1). */
function conv(spelling: Spelling, dims: number, transposed: boolean, dilationIgnored = false) {
  return (args: Argument[]): LayerSpec => {
    const bound = spelling.bind(args, ['filters', 'kernel_size', 'strides', 'padding']);
    const input = inputShape(bound, spelling, dims);
    return {
      kind: transposed ? 'convTranspose' : 'conv',
      convention: 'keras',
      inChannels: input.channels,
      outChannels: term(bound.get('filters'), 'filters'),
      kernel: perDimension(bound.get(spelling.name('kernel_size')), dims, 'k'),
      stride: perDimension(bound.get('strides'), dims, 1),
      padding: kerasPadding(bound.get('padding')),
      dilation: dilationIgnored ? Array(dims).fill(1) : perDimension(bound.get(spelling.name('dilation_rate')), dims, 1),
      outputPadding: Array(dims).fill(0),
      groups: term(bound.get('groups'), 1),
      bias: biasFlag(bound.get(spelling.name('use_bias'))),
      inputSize: input.size,
    };
  };
}

function pool(spelling: Spelling, dims: number, operation: 'max' | 'average') {
  return (args: Argument[]): LayerSpec => {
    const bound = spelling.bind(args, ['pool_size', 'strides', 'padding']);
    const kernel = perDimension(bound.get(spelling.name('pool_size')), dims, 2);
    const stride = bound.get('strides');
    return {
      kind: 'pool',
      convention: 'keras',
      operation,
      kernel,
      stride: stride === undefined || stride.kind === 'none' ? kernel : perDimension(stride, dims, 1),
      padding: kerasPadding(bound.get('padding')),
      dilation: Array(dims).fill(1),
      ceilMode: false,
      inputSize: inputShape(bound, spelling, dims).size,
    };
  };
}

function dense(spelling: Spelling) {
  return (args: Argument[]): LayerSpec => {
    const bound = spelling.bind(args, ['units']);
    const shape = literalShape(bound.get(spelling.name('input_shape'))) ?? literalShape(bound.get(spelling.name('batch_input_shape')), true);
    const inputDim = bound.get(spelling.name('input_dim'));
    return {
      kind: 'linear',
      convention: 'keras',
      inFeatures: shape ? shape[shape.length - 1] : term(inputDim, 'C_in'),
      outFeatures: term(bound.get('units'), 'units'),
      bias: biasFlag(bound.get(spelling.name('use_bias'))),
    };
  };
}

export const keras = {
  conv: (dims: number) => conv(python, dims, false),
  convTranspose: (dims: number) => conv(python, dims, true),
  pool: (dims: number, operation: 'max' | 'average') => pool(python, dims, operation),
  dense: dense(python),
};

export const tfjs = {
  conv: (dims: number) => conv(configObject, dims, false),
  convTranspose: (dims: number) => conv(configObject, dims, true, true),
  pool: (dims: number, operation: 'max' | 'average') => pool(configObject, dims, operation),
  dense: dense(configObject),
};
