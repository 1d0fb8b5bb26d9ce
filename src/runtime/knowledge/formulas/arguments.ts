import type { Argument, Value } from '../call-parser';
import type { Bias, Padding, Term } from './layer-spec';

/** Keyword and positional arguments matched to a signature's parameter names. */
export type BoundArguments = Map<string, Value>;

/**
 * Binds a Python call's arguments to a signature. After an unpacked `*args`, positions are no longer known, so
 * positional binding stops there; `**kwargs` binds nothing.
 */
export function bindPython(args: Argument[], parameterNames: string[]): BoundArguments {
  const bound: BoundArguments = new Map();
  let position = 0;
  let positionsKnown = true;
  for (const arg of args) {
    if (arg.name !== undefined) bound.set(arg.name, arg.value);
    else if (arg.value.kind === 'expr' && arg.value.text.startsWith('*')) positionsKnown = false;
    else if (positionsKnown && position < parameterNames.length) bound.set(parameterNames[position++], arg.value);
  }
  return bound;
}

/** TensorFlow.js layers take one config object: `tf.layers.conv2d({filters: 8, kernelSize: 3})`. */
export function bindConfigObject(args: Argument[]): BoundArguments {
  const first = args[0]?.value;
  return first?.kind === 'object' ? new Map(first.entries) : new Map();
}

export function term(value: Value | undefined, fallback: Term): Term {
  if (value === undefined || value.kind === 'none') return fallback;
  if (value.kind === 'number') return value.value;
  return value.text;
}

/** One term per spatial dimension from an int or a tuple/list argument. */
export function perDimension(value: Value | undefined, dims: number, fallback: Term): Term[] {
  if (value?.kind === 'tuple' && value.items.length === dims) return value.items.map((item) => term(item, fallback));
  return Array(dims).fill(term(value, fallback));
}

export function flag(value: Value | undefined, fallback: boolean): boolean {
  return value?.kind === 'bool' ? value.value : fallback;
}

/** A bias argument: a literal bool, `None` (no bias, as F.conv2d takes it), or a variable whose value is unknown. */
export function biasFlag(value: Value | undefined): Bias {
  if (value === undefined) return true;
  if (value.kind === 'bool') return value.value;
  if (value.kind === 'none') return false;
  return 'unknown';
}

/** PyTorch padding: an int, a tuple, or the strings 'same' / 'valid'. */
export function torchPadding(value: Value | undefined, dims: number): Padding {
  if (value?.kind === 'string' && (value.value === 'same' || value.value === 'valid')) return { kind: value.value };
  return { kind: 'explicit', amounts: perDimension(value, dims, 0) };
}

/** Keras/TensorFlow.js padding: 'valid' (the default) or 'same'; a variable leaves it unknown. */
export function kerasPadding(value: Value | undefined): Padding {
  if (value === undefined || value.kind === 'none') return { kind: 'valid' };
  if (value.kind === 'string' && ['same', 'valid'].includes(value.value.toLowerCase())) return { kind: value.value.toLowerCase() as 'same' | 'valid' };
  return { kind: 'unknown', text: value.text };
}

/**
 * The literal numbers of a shape argument such as `input_shape=(28, 28, 1)` or `inputShape: [28, 28, 1]`; with
 * `withoutBatch`, of a batch shape (`batchInputShape: [null, 28, 28, 1]`) less its first dimension.
 */
export function literalShape(value: Value | undefined, withoutBatch = false): number[] | undefined {
  if (value?.kind !== 'tuple') return undefined;
  const numbers = value.items.slice(withoutBatch ? 1 : 0).map((item) => (item.kind === 'number' ? item.value : undefined));
  return numbers.every((item): item is number => item !== undefined) ? numbers : undefined;
}
