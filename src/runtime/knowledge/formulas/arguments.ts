import type { Argument, Value } from '../call-parser';
import type { Padding, Term } from './layer-spec';

/** Keyword and positional arguments matched to a signature's parameter names. */
export type BoundArguments = Map<string, Value>;

export function bindPython(args: Argument[], parameterNames: string[]): BoundArguments {
  const bound: BoundArguments = new Map();
  let position = 0;
  for (const arg of args) {
    if (arg.name !== undefined) bound.set(arg.name, arg.value);
    else if (position < parameterNames.length) bound.set(parameterNames[position++], arg.value);
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

/** PyTorch padding: an int, a tuple, or the strings 'same' / 'valid'. */
export function torchPadding(value: Value | undefined, dims: number): Padding {
  if (value?.kind === 'string' && (value.value === 'same' || value.value === 'valid')) return { kind: value.value };
  return { kind: 'explicit', amounts: perDimension(value, dims, 0) };
}

/** Keras/TensorFlow.js padding: 'valid' (default) or 'same'; anything else stays unknown as 'valid'. */
export function kerasPadding(value: Value | undefined): Padding {
  return value?.kind === 'string' && value.value.toLowerCase() === 'same' ? { kind: 'same' } : { kind: 'valid' };
}

/** The literal numbers of a shape argument such as `input_shape=(28, 28, 1)` or `inputShape: [28, 28, 1]`. */
export function literalShape(value: Value | undefined): number[] | undefined {
  if (value?.kind !== 'tuple') return undefined;
  const numbers = value.items.map((item) => (item.kind === 'number' ? item.value : undefined));
  return numbers.every((item): item is number => item !== undefined) ? numbers : undefined;
}
