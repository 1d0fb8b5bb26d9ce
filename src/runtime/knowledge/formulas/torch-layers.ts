import type { Argument } from '../call-parser';
import type { LayerSpec, Term } from './layer-spec';
import { biasFlag, bindPython, flag, perDimension, term, torchPadding } from './arguments';
import { dimensionNames, exampleInput, formatTerm } from './terms';

const convParameters = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'];
const convTransposeParameters = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation'];
const maxPoolParameters = ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'];
const avgPoolParameters = ['kernel_size', 'stride', 'padding', 'ceil_mode'];

export function torchConv(dims: number) {
  return (args: Argument[]): LayerSpec => {
    const bound = bindPython(args, convParameters);
    return {
      kind: 'conv',
      convention: 'torch',
      inChannels: term(bound.get('in_channels'), 'C_in'),
      outChannels: term(bound.get('out_channels'), 'C_out'),
      kernel: perDimension(bound.get('kernel_size'), dims, 'k'),
      stride: perDimension(bound.get('stride'), dims, 1),
      padding: torchPadding(bound.get('padding'), dims),
      dilation: perDimension(bound.get('dilation'), dims, 1),
      outputPadding: Array(dims).fill(0),
      groups: term(bound.get('groups'), 1),
      bias: biasFlag(bound.get('bias')),
    };
  };
}

export function torchConvTranspose(dims: number) {
  return (args: Argument[]): LayerSpec => {
    const bound = bindPython(args, convTransposeParameters);
    return {
      kind: 'convTranspose',
      convention: 'torch',
      inChannels: term(bound.get('in_channels'), 'C_in'),
      outChannels: term(bound.get('out_channels'), 'C_out'),
      kernel: perDimension(bound.get('kernel_size'), dims, 'k'),
      stride: perDimension(bound.get('stride'), dims, 1),
      padding: { kind: 'explicit', amounts: perDimension(bound.get('padding'), dims, 0) },
      dilation: perDimension(bound.get('dilation'), dims, 1),
      outputPadding: perDimension(bound.get('output_padding'), dims, 0),
      groups: term(bound.get('groups'), 1),
      bias: biasFlag(bound.get('bias')),
    };
  };
}

/** nn.MaxPool2d(kernel_size, …), or with `functional` F.max_pool2d(input, kernel_size, …). */
export function torchPool(dims: number, operation: 'max' | 'average', functional = false) {
  return (args: Argument[]): LayerSpec => {
    const parameters = operation === 'max' ? maxPoolParameters : avgPoolParameters;
    const bound = bindPython(args, functional ? ['input', ...parameters] : parameters);
    const kernel = perDimension(bound.get('kernel_size'), dims, 'k');
    const stride = bound.get('stride');
    return {
      kind: 'pool',
      convention: 'torch',
      operation,
      kernel,
      stride: stride === undefined || stride.kind === 'none' ? kernel : perDimension(stride, dims, 1),
      padding: { kind: 'explicit', amounts: perDimension(bound.get('padding'), dims, 0) },
      dilation: operation === 'max' ? perDimension(bound.get('dilation'), dims, 1) : Array(dims).fill(1),
      ceilMode: flag(bound.get('ceil_mode'), false),
    };
  };
}

export function torchLinear(args: Argument[]): LayerSpec {
  const bound = bindPython(args, ['in_features', 'out_features', 'bias']);
  return {
    kind: 'linear',
    convention: 'torch',
    inFeatures: term(bound.get('in_features'), 'in_features'),
    outFeatures: term(bound.get('out_features'), 'out_features'),
    bias: biasFlag(bound.get('bias')),
  };
}

const sameSize = (dims: number) => dimensionNames(dims).map((name) => `${name}_out = ${name}`);

/**
 * Normalization layers: a scale and a shift per channel when affine (BatchNorm and GroupNorm by default,
 * InstanceNorm not); running statistics are buffers, not parameters.
 */
export function torchNorm(channelsParameter: string, positional: string[], affineParameter: string, affineByDefault: boolean, dims: number) {
  return (args: Argument[]): LayerSpec => {
    const bound = bindPython(args, positional);
    const affine = bound.get(affineParameter);
    const scaled = affine?.kind === 'bool' ? affine.value : affine === undefined ? affineByDefault : undefined;
    const channels = term(bound.get(channelsParameter), 'C');
    const shape = channelsParameter === 'normalized_shape' && bound.get(channelsParameter)?.kind === 'tuple'
      ? perDimension(bound.get(channelsParameter), (bound.get(channelsParameter) as { items: unknown[] }).items.length, 'C')
      : [channels];
    return {
      kind: 'tensors',
      convention: 'torch',
      tensors: scaled === false ? [] : scaled === undefined ? [{ name: `weight (if ${affine?.text})`, shape }, { name: 'bias', shape }] : [{ name: 'weight', shape }, { name: 'bias', shape }],
      outputFormulas: sameSize(dims),
    };
  };
}

export function torchEmbedding(args: Argument[]): LayerSpec {
  const bound = bindPython(args, ['num_embeddings', 'embedding_dim']);
  return {
    kind: 'tensors',
    convention: 'torch',
    tensors: [{ name: 'weight', shape: [term(bound.get('num_embeddings'), 'num_embeddings'), term(bound.get('embedding_dim'), 'embedding_dim')] }],
    outputFormulas: ['(…) → (…, embedding_dim)'],
  };
}

export function torchPRelu(args: Argument[]): LayerSpec {
  const bound = bindPython(args, ['num_parameters', 'init']);
  return { kind: 'tensors', convention: 'torch', tensors: [{ name: 'weight', shape: [term(bound.get('num_parameters'), 1)] }], outputFormulas: ['same shape as the input'] };
}

/** Adaptive pooling: the output size is the argument itself (None keeps that input dimension), whatever the input. */
export function torchAdaptivePool(dims: number, functional = false) {
  return (args: Argument[]): LayerSpec => {
    const bound = bindPython(args, functional ? ['input', 'output_size'] : ['output_size']);
    const value = bound.get('output_size');
    const size = (item: NonNullable<typeof value>): Term => (item.kind === 'none' ? 'None' : term(item, 'output_size'));
    const sizes = value === undefined ? Array<Term>(dims).fill('output_size')
      : value.kind === 'tuple' && value.items.length === dims ? value.items.map(size) : Array<Term>(dims).fill(size(value));
    const names = dimensionNames(dims);
    const input = exampleInput(dims);
    const output = sizes.map((size, index) => (size === 'None' ? input[index] : size));
    return {
      kind: 'tensors',
      convention: 'torch',
      tensors: [],
      outputFormulas: names.map((name, index) => `${name}_out = ${sizes[index] === 'None' ? name : formatTerm(sizes[index])}`),
      example: output.every((size): size is number => typeof size === 'number') ? { input, output } : undefined,
    };
  };
}
