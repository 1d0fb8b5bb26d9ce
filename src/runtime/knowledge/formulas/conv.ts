import type { ConvSpec, LayerReport } from './layer-spec';
import { allNumbers, dimensionNames, exampleInput, formatCount, formatTerm, isNumber, product } from './terms';
import { windowReport } from './sliding-window';

/** Weight shape text and parameter count shared by convolutions and transposed convolutions. */
export function convParameters(spec: ConvSpec, weightShape: ReturnType<typeof product>[]): Pick<LayerReport, 'parameters' | 'parameterText'> {
  const weight = product(weightShape);
  const bias = spec.bias === true ? spec.outChannels : 0;
  const shapeText = weightShape.map(formatTerm).join('×');
  if (spec.bias === 'unknown') {
    const weightText = isNumber(weight) ? `${shapeText} = ${formatCount(weight)}` : shapeText.replace(/×/g, '·');
    return { parameterText: `parameters = weight ${weightText} + ${formatTerm(spec.outChannels)} if bias` };
  }
  if (isNumber(weight) && isNumber(bias)) {
    const total = weight + bias;
    const biasText = spec.bias ? ` + bias ${formatCount(bias)}` : ' (no bias)';
    return { parameters: total, parameterText: `${formatCount(total)} parameters: weight ${shapeText} = ${formatCount(weight)}${biasText}` };
  }
  const biasText = spec.bias ? ` + ${formatTerm(spec.outChannels)}` : '';
  return { parameterText: `parameters = ${shapeText.replace(/×/g, '·')}${biasText}` };
}

function channelsPerGroup(channels: ConvSpec['inChannels'], groups: ConvSpec['groups']): ConvSpec['inChannels'] {
  if (groups === 1) return channels;
  if (isNumber(channels) && isNumber(groups)) return channels / groups;
  return `${formatTerm(channels)}/${formatTerm(groups)}`;
}

/** Convolution: weight C_out × C_in/groups × k… (PyTorch layout; Keras stores it transposed, same count). */
export function convReport(spec: ConvSpec): LayerReport {
  const names = dimensionNames(spec.kernel.length);
  const weightShape = spec.convention === 'torch'
    ? [spec.outChannels, channelsPerGroup(spec.inChannels, spec.groups), ...spec.kernel]
    : [...spec.kernel, channelsPerGroup(spec.inChannels, spec.groups), spec.outChannels];
  const dimensions = names.map((name, index) => ({
    name,
    kernel: spec.kernel[index],
    stride: spec.stride[index],
    dilation: spec.dilation[index],
    pad: spec.padding.kind === 'explicit' ? spec.padding.amounts[index] : 0,
  }));
  const exampleSize = spec.inputSize && allNumbers(spec.inputSize) ? spec.inputSize : exampleInput(names.length);
  return { ...convParameters(spec, weightShape), ...windowReport(dimensions, spec.padding, false, exampleSize) };
}
