import type { Padding, Term } from './layer-spec';
import { formatTerm, isNumber, minus, signedSum } from './terms';

/** One spatial dimension of a convolution or pooling window. */
export interface WindowDimension {
  name: string;
  kernel: Term;
  stride: Term;
  dilation: Term;
  /** Explicit padding on each side (ignored for 'same'/'valid' Keras-style padding). */
  pad: Term;
}

/**
 * Output size of a sliding window with explicit padding:
 * out = ⌊(in + 2·p − d·(k − 1) − 1)/s⌋ + 1, with ⌈⌉ instead of ⌊⌋ in ceil mode (PyTorch then drops a last
 * window that would start in the right padding or past the input).
 */
export function windowFormula(dimension: WindowDimension, ceilMode: boolean): string {
  const { name, kernel, stride, dilation, pad } = dimension;
  const kernelParts = dilation === 1
    ? [{ sign: -1 as const, text: formatTerm(kernel) }]
    : [{ sign: -1 as const, text: `${formatTerm(dilation)}·(${formatTerm(kernel)} ${minus} 1)` }, { sign: -1 as const, text: '1' }];
  const numerator = signedSum([
    { sign: 1, text: name },
    { sign: 1, text: `2·${formatTerm(pad)}`, zero: pad === 0 },
    ...kernelParts,
  ]);
  if (stride === 1) {
    const constant = isNumber(pad) && isNumber(kernel) && isNumber(dilation) ? 2 * pad - dilation * (kernel - 1) : undefined;
    const simplified = constant === undefined ? '' : constant === 0 ? ` = ${name}` : ` = ${name} ${constant < 0 ? minus : '+'} ${Math.abs(constant)}`;
    return `${name}_out = ${numerator} + 1${simplified}`;
  }
  const [left, right] = ceilMode ? ['⌈', '⌉'] : ['⌊', '⌋'];
  const dropped = ceilMode ? `, minus 1 if the last window starts at or past ${name} + ${formatTerm(pad)}` : '';
  return `${name}_out = ${left}(${numerator})/${formatTerm(stride)}${right} + 1${dropped}`;
}

export function windowOutput(input: number, dimension: WindowDimension, ceilMode: boolean): number | undefined {
  const { kernel, stride, dilation, pad } = dimension;
  if (!isNumber(kernel) || !isNumber(stride) || !isNumber(dilation) || !isNumber(pad)) return undefined;
  const span = (input + 2 * pad - dilation * (kernel - 1) - 1) / stride;
  if (!ceilMode) return Math.floor(span) + 1;
  const output = Math.ceil(span) + 1;
  return (output - 1) * stride >= input + pad ? output - 1 : output;
}

/** Keras/TensorFlow.js 'same' and 'valid' padding: out = ⌈in/s⌉, or the explicit formula with no padding. */
export function kerasWindowFormula(dimension: WindowDimension, padding: 'same' | 'valid'): string {
  const { name, stride } = dimension;
  if (padding === 'same') return stride === 1 ? `${name}_out = ${name}` : `${name}_out = ⌈${name}/${formatTerm(stride)}⌉`;
  return windowFormula({ ...dimension, pad: 0 }, false);
}

export function kerasWindowOutput(input: number, dimension: WindowDimension, padding: 'same' | 'valid'): number | undefined {
  if (padding === 'valid') return windowOutput(input, { ...dimension, pad: 0 }, false);
  return isNumber(dimension.stride) ? Math.ceil(input / dimension.stride) : undefined;
}

/** Formulas and a worked example for every spatial dimension of a window layer. */
export function windowReport(
  dimensions: WindowDimension[],
  padding: Padding,
  ceilMode: boolean,
  exampleSize: number[],
): { outputFormulas: string[]; example?: { input: number[]; output: number[] } } {
  if (padding.kind === 'unknown') return { outputFormulas: [`the output size depends on padding=${padding.text}`] };
  const outputFormulas = dimensions.map((dimension) =>
    padding.kind === 'explicit' ? windowFormula(dimension, ceilMode) : kerasWindowFormula(dimension, padding.kind));
  const output = dimensions.map((dimension, index) =>
    padding.kind === 'explicit' ? windowOutput(exampleSize[index], dimension, ceilMode) : kerasWindowOutput(exampleSize[index], dimension, padding.kind));
  const complete = output.every((size): size is number => size !== undefined);
  return { outputFormulas, example: complete ? { input: exampleSize, output } : undefined };
}
