import type { Argument } from '../call-parser';
import type { LayerReport, LayerSpec, Term } from './layer-spec';
import { convReport } from './conv';
import { convTransposeReport } from './conv-transpose';
import { poolReport } from './pool';
import { linearReport } from './linear';
import { torchAdaptivePool, torchConv, torchConvTranspose, torchEmbedding, torchLinear, torchNorm, torchPool, torchPRelu } from './torch-layers';
import { tensorsReport } from './tensors';
import { keras, tfjs } from './keras-layers';

type Reader = (args: Argument[]) => LayerSpec;

/** Canonical symbol → how its call arguments map onto a layer whose size the hover can compute. */
export const layerCallReaders: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['torch.nn.Conv1d', torchConv(1)],
  ['torch.nn.Conv2d', torchConv(2)],
  ['torch.nn.Conv3d', torchConv(3)],
  ['torch.nn.ConvTranspose1d', torchConvTranspose(1)],
  ['torch.nn.ConvTranspose2d', torchConvTranspose(2)],
  ['torch.nn.ConvTranspose3d', torchConvTranspose(3)],
  ['torch.nn.MaxPool1d', torchPool(1, 'max')],
  ['torch.nn.MaxPool2d', torchPool(2, 'max')],
  ['torch.nn.MaxPool3d', torchPool(3, 'max')],
  ['torch.nn.AvgPool1d', torchPool(1, 'average')],
  ['torch.nn.AvgPool2d', torchPool(2, 'average')],
  ['torch.nn.AvgPool3d', torchPool(3, 'average')],
  ['torch.nn.functional.max_pool1d', torchPool(1, 'max', true)],
  ['torch.nn.functional.max_pool2d', torchPool(2, 'max', true)],
  ['torch.nn.functional.max_pool3d', torchPool(3, 'max', true)],
  ['torch.nn.functional.avg_pool1d', torchPool(1, 'average', true)],
  ['torch.nn.functional.avg_pool2d', torchPool(2, 'average', true)],
  ['torch.nn.functional.avg_pool3d', torchPool(3, 'average', true)],
  ['torch.nn.AdaptiveAvgPool1d', torchAdaptivePool(1)],
  ['torch.nn.AdaptiveAvgPool2d', torchAdaptivePool(2)],
  ['torch.nn.AdaptiveAvgPool3d', torchAdaptivePool(3)],
  ['torch.nn.AdaptiveMaxPool2d', torchAdaptivePool(2)],
  ['torch.nn.functional.adaptive_avg_pool2d', torchAdaptivePool(2, true)],
  ['torch.nn.BatchNorm1d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', true, 1)],
  ['torch.nn.BatchNorm2d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', true, 2)],
  ['torch.nn.BatchNorm3d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', true, 3)],
  ['torch.nn.SyncBatchNorm', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', true, 2)],
  ['torch.nn.InstanceNorm1d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', false, 1)],
  ['torch.nn.InstanceNorm2d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', false, 2)],
  ['torch.nn.InstanceNorm3d', torchNorm('num_features', ['num_features', 'eps', 'momentum', 'affine'], 'affine', false, 3)],
  ['torch.nn.GroupNorm', torchNorm('num_channels', ['num_groups', 'num_channels', 'eps', 'affine'], 'affine', true, 2)],
  ['torch.nn.LayerNorm', torchNorm('normalized_shape', ['normalized_shape', 'eps', 'elementwise_affine'], 'elementwise_affine', true, 2)],
  ['torch.nn.Embedding', torchEmbedding],
  ['torch.nn.PReLU', torchPRelu],
  ['torch.nn.Linear', torchLinear],
  ['keras.layers.Conv1D', keras.conv(1)],
  ['keras.layers.Conv2D', keras.conv(2)],
  ['keras.layers.Conv3D', keras.conv(3)],
  ['keras.layers.Conv2DTranspose', keras.convTranspose(2)],
  ['keras.layers.MaxPooling1D', keras.pool(1, 'max')],
  ['keras.layers.MaxPooling2D', keras.pool(2, 'max')],
  ['keras.layers.AveragePooling2D', keras.pool(2, 'average')],
  ['keras.layers.Dense', keras.dense],
  ['tf.layers.conv1d', tfjs.conv(1)],
  ['tf.layers.conv2d', tfjs.conv(2)],
  ['tf.layers.conv3d', tfjs.conv(3)],
  ['tf.layers.conv2dTranspose', tfjs.convTranspose(2)],
  ['tf.layers.maxPooling1d', tfjs.pool(1, 'max')],
  ['tf.layers.maxPooling2d', tfjs.pool(2, 'max')],
  ['tf.layers.averagePooling2d', tfjs.pool(2, 'average')],
  ['tf.layers.dense', tfjs.dense],
]);

export function layerReport(spec: LayerSpec): LayerReport {
  switch (spec.kind) {
    case 'conv': return convReport(spec);
    case 'convTranspose': return convTransposeReport(spec);
    case 'pool': return poolReport(spec);
    case 'linear': return linearReport(spec);
    case 'tensors': return tensorsReport(spec);
  }
}

/** Sizes that must be positive integers (dilation, stride, kernel, groups, channels); padding may be 0. */
function literalSizes(spec: LayerSpec): Term[] {
  switch (spec.kind) {
    case 'conv':
    case 'convTranspose': return [spec.inChannels, spec.outChannels, spec.groups, ...spec.kernel, ...spec.stride, ...spec.dilation];
    case 'pool': return [...spec.kernel, ...spec.stride, ...spec.dilation];
    case 'linear': return [spec.inFeatures, spec.outFeatures];
    case 'tensors': return spec.tensors.flatMap((tensor) => tensor.shape);
  }
}

/** A call PyTorch/Keras/tfjs would reject: a size that is not a positive integer, or channels not divisible by groups. */
function invalid(spec: LayerSpec): boolean {
  if (literalSizes(spec).some((size) => typeof size === 'number' && !(Number.isInteger(size) && size > 0))) return true;
  if (spec.kind === 'pool' && spec.padding.kind === 'explicit') {
    if (spec.padding.amounts.some((pad, index) => typeof pad === 'number' && (pad < 0 || (typeof spec.kernel[index] === 'number' && pad > (spec.kernel[index] as number) / 2)))) return true;
  }
  if (spec.kind === 'conv' || spec.kind === 'convTranspose') {
    if (spec.padding.kind === 'explicit' && spec.padding.amounts.some((pad) => typeof pad === 'number' && (pad < 0 || !Number.isInteger(pad)))) return true;
    const { groups, inChannels, outChannels } = spec;
    if (typeof groups === 'number' && [inChannels, outChannels].some((channels) => typeof channels === 'number' && channels % groups !== 0)) return true;
  }
  return false;
}

/**
 * The parameter count and output-size formulas of a layer call, or undefined for symbols without a formula and for
 * calls the framework would reject (no numbers rather than nonsense such as ∞).
 */
export function reportForCall(symbol: string, args: Argument[]): LayerReport | undefined {
  const reader = layerCallReaders.get(symbol);
  if (!reader) return undefined;
  const spec = reader(args);
  return invalid(spec) ? undefined : layerReport(spec);
}
