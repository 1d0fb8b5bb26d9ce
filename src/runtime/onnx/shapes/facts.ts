import { OnnxAttribute, OnnxNode, OnnxTensor, toNumber } from '../codec';
import type { Dim, Shape } from '../../inspect/types';

export type { Dim, Shape };

/**
 * What static inference knows about one tensor. `shape` is null when the rank is unknown; a dim is null when
 * unknown. `value` holds the elements of small tensors whose contents are known (constants, Shape outputs and
 * the arithmetic torchvision exports build on them); elements may be symbolic or null too.
 */
export interface TensorFacts {
  dtype: number | null;
  shape: Shape | null;
  value?: Dim[];
}

export interface RuleContext {
  node: OnnxNode;
  opset: number;
  /** Facts of each input slot; undefined for an omitted optional input or an unknown tensor. */
  inputs: (TensorFacts | undefined)[];
  attribute(name: string): OnnxAttribute | undefined;
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
  floats(name: string): number[] | undefined;
  string(name: string, fallback: string): string;
  tensor(name: string): OnnxTensor | undefined;
}

/** A rule returns facts for each output slot (null where it knows nothing). */
export type ShapeRule = (context: RuleContext) => (TensorFacts | null)[];

/** Largest tensor whose elements inference keeps track of. */
export const MAX_TRACKED_ELEMENTS = 64;

export function makeContext(node: OnnxNode, opset: number, inputs: (TensorFacts | undefined)[]): RuleContext {
  const attribute = (name: string) => (node.attribute ?? []).find((a) => a.name === name);
  const decoder = new TextDecoder();
  return {
    node, opset, inputs, attribute,
    int: (name, fallback) => { const a = attribute(name); return a && a.i !== undefined && a.i !== null ? toNumber(a.i) : fallback; },
    ints: (name) => attribute(name)?.ints?.map(toNumber),
    float: (name, fallback) => attribute(name)?.f ?? fallback,
    floats: (name) => attribute(name)?.floats?.slice(),
    string: (name, fallback) => { const s = attribute(name)?.s; return s ? decoder.decode(s) : fallback; },
    tensor: (name) => attribute(name)?.t,
  };
}

export function isKnown(dim: Dim): dim is number {
  return typeof dim === 'number';
}

/** Product of dims: a number when all are numbers, else null. */
export function dimProduct(dims: readonly Dim[]): number | null {
  let product = 1;
  for (const dim of dims) {
    if (!isKnown(dim)) return null;
    product *= dim;
  }
  return product;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Numpy-style broadcasting of several shapes; a symbolic dim broadcast against 1 or itself stays symbolic. */
export function broadcastShapes(shapes: (Shape | null | undefined)[]): Shape | null {
  if (shapes.some((shape) => !shape)) return null;
  const rank = Math.max(...shapes.map((shape) => shape!.length));
  const result: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const shape of shapes as Shape[]) {
      const d = shape.length - rank + i >= 0 ? shape[shape.length - rank + i] : 1;
      if (d === 1) continue;
      if (dim === 1) dim = d;
      else if (d !== dim) dim = null;
    }
    result.push(dim);
  }
  return result;
}

/** The known integer elements of an input (for shape, axes, pads... inputs), or undefined when any is not a number. */
export function knownInts(facts: TensorFacts | undefined): number[] | undefined {
  if (!facts?.value || !facts.value.every(isKnown)) return undefined;
  return facts.value as number[];
}

export function sameAs(input: TensorFacts | undefined): TensorFacts | null {
  return input ? { dtype: input.dtype, shape: input.shape } : null;
}

export function withShape(input: TensorFacts | undefined, shape: Shape | null, dtype?: number | null): TensorFacts {
  return { dtype: dtype !== undefined ? dtype : input?.dtype ?? null, shape };
}
