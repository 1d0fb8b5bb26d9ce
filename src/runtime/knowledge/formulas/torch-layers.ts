import type { Argument } from '../call-parser';
import type { LayerSpec } from './layer-spec';
import { biasFlag, bindPython, flag, perDimension, term, torchPadding } from './arguments';

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

export function torchPool(dims: number, operation: 'max' | 'average') {
  return (args: Argument[]): LayerSpec => {
    const bound = bindPython(args, operation === 'max' ? maxPoolParameters : avgPoolParameters);
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
