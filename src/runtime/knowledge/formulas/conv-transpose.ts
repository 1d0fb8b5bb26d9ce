import type { ConvSpec, LayerReport, Term } from './layer-spec';
import { convParameters } from './conv';
import { allNumbers, dimensionNames, exampleInput, formatTerm, isNumber, minus, signedSum } from './terms';

function outChannelsPerGroup(spec: ConvSpec): Term {
  if (spec.groups === 1) return spec.outChannels;
  if (isNumber(spec.outChannels) && isNumber(spec.groups)) return spec.outChannels / spec.groups;
  return `${formatTerm(spec.outChannels)}/${formatTerm(spec.groups)}`;
}

/** PyTorch: out = (in − 1)·s − 2·p + d·(k − 1) + output_padding + 1. */
function torchFormula(name: string, k: Term, s: Term, p: Term, d: Term, outputPadding: Term): string {
  const kernelText = d === 1 ? `(${formatTerm(k)} ${minus} 1)` : `${formatTerm(d)}·(${formatTerm(k)} ${minus} 1)`;
  return `${name}_out = ${signedSum([
    { sign: 1, text: s === 1 ? `(${name} ${minus} 1)` : `(${name} ${minus} 1)·${formatTerm(s)}` },
    { sign: -1, text: `2·${formatTerm(p)}`, zero: p === 0 },
    { sign: 1, text: kernelText },
    { sign: 1, text: formatTerm(outputPadding), zero: outputPadding === 0 },
    { sign: 1, text: '1' },
  ])}`;
}

function torchOutput(input: number, k: Term, s: Term, p: Term, d: Term, outputPadding: Term): number | undefined {
  if (!allNumbers([k, s, p, d, outputPadding])) return undefined;
  return (input - 1) * (s as number) - 2 * (p as number) + (d as number) * ((k as number) - 1) + (outputPadding as number) + 1;
}

/** Keras: 'same' gives in·s; 'valid' gives in·s + max(k_eff − s, 0). */
function kerasFormula(name: string, k: Term, s: Term, d: Term, padding: 'same' | 'valid'): string {
  if (padding === 'same') return `${name}_out = ${name}·${formatTerm(s)}`;
  const kernel = d === 1 ? formatTerm(k) : `${formatTerm(d)}·(${formatTerm(k)} ${minus} 1) + 1`;
  return `${name}_out = ${name}·${formatTerm(s)} + max(${kernel} ${minus} ${formatTerm(s)}, 0)`;
}

function kerasOutput(input: number, k: Term, s: Term, d: Term, padding: 'same' | 'valid'): number | undefined {
  if (!allNumbers([k, s, d])) return undefined;
  const [kernel, stride, dilation] = [k, s, d] as number[];
  return padding === 'same' ? input * stride : input * stride + Math.max(dilation * (kernel - 1) + 1 - stride, 0);
}

/** Transposed convolution: weight C_in × C_out/groups × k… (PyTorch layout). */
export function convTransposeReport(spec: ConvSpec): LayerReport {
  const names = dimensionNames(spec.kernel.length);
  const weightShape = spec.convention === 'torch'
    ? [spec.inChannels, outChannelsPerGroup(spec), ...spec.kernel]
    : [...spec.kernel, outChannelsPerGroup(spec), spec.inChannels];
  const exampleSize = spec.inputSize ?? exampleInput(names.length);
  const padding = spec.padding;
  if (padding.kind === 'unknown') return { ...convParameters(spec, weightShape), outputFormulas: [`the output size depends on padding=${padding.text}`] };
  const outputFormulas = names.map((name, index) => {
    const [k, s, d] = [spec.kernel[index], spec.stride[index], spec.dilation[index]];
    if (padding.kind === 'explicit') return torchFormula(name, k, s, padding.amounts[index], d, spec.outputPadding[index]);
    return kerasFormula(name, k, s, d, padding.kind);
  });
  const output = names.map((_, index) => {
    const [k, s, d] = [spec.kernel[index], spec.stride[index], spec.dilation[index]];
    if (padding.kind === 'explicit') return torchOutput(exampleSize[index], k, s, padding.amounts[index], d, spec.outputPadding[index]);
    return kerasOutput(exampleSize[index], k, s, d, padding.kind);
  });
  const complete = output.every((size): size is number => size !== undefined);
  return { ...convParameters(spec, weightShape), outputFormulas, example: complete ? { input: exampleSize, output } : undefined };
}
