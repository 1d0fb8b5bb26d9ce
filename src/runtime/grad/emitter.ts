import { createMessage, OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';

export type AttributeValue = number | number[] | string | { floats: number[] } | OnnxTensor;

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** Builds an AttributeProto; integers become INT(S), `{ floats }` FLOATS, non-integral numbers FLOAT. */
export function makeAttribute(name: string, value: AttributeValue): OnnxAttribute {
  if (typeof value === 'string') return createMessage('AttributeProto', { name, type: AttributeType.STRING, s: Buffer.from(value) });
  if (Array.isArray(value)) return createMessage('AttributeProto', { name, type: AttributeType.INTS, ints: value });
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? createMessage('AttributeProto', { name, type: AttributeType.INT, i: value })
      : createMessage('AttributeProto', { name, type: AttributeType.FLOAT, f: value });
  }
  if ('floats' in value) return createMessage('AttributeProto', { name, type: AttributeType.FLOATS, floats: value.floats });
  return createMessage('AttributeProto', { name, type: AttributeType.TENSOR, t: value });
}

/** A float attribute that must stay FLOAT even when its value is integral (alpha = 1, value = 0…). */
export function floatAttribute(name: string, value: number): OnnxAttribute {
  return createMessage('AttributeProto', { name, type: AttributeType.FLOAT, f: value });
}

export function makeTensor(name: string, dataType: number, dims: number[], values: ArrayLike<number>): OnnxTensor {
  let raw: Uint8Array;
  if (dataType === DataType.FLOAT) raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (dataType === DataType.DOUBLE) raw = new Uint8Array(Float64Array.from(values).buffer);
  else if (dataType === DataType.INT64) raw = new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  else if (dataType === DataType.INT32) raw = new Uint8Array(Int32Array.from(values).buffer);
  else throw new Error(`cannot build constants of data type ${dataType}`);
  return createMessage('TensorProto', { name, data_type: dataType, dims, raw_data: raw });
}

/**
 * Appends nodes and constants to a graph under construction, with unique names and operator forms that are
 * valid at the graph's opset (attribute before, input after the version that moved an argument).
 */
export class Emitter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly shapes = new Map<string, string>();
  private counter = 0;

  constructor(readonly opset: number, readonly floatType: number, private readonly taken: Set<string>) {}

  fresh(base: string): string {
    let name: string;
    do name = `${base}__${this.counter++}`; while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  /** Emits one node and returns its outputs. attributes whose value is undefined are left out. */
  nodeOutputs(opType: string, inputs: string[], outputCount: number, attributes: Record<string, AttributeValue | OnnxAttribute | undefined> = {}): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(`grad_${opType}`));
    const attribute = Object.entries(attributes)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => (isAttribute(value) ? value : makeAttribute(name, value as AttributeValue)));
    this.nodes.push(createMessage<OnnxNode>('NodeProto', { name: outputs[0], op_type: opType, input: inputs, output: outputs, attribute }));
    return outputs;
  }

  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue | OnnxAttribute | undefined> = {}): string {
    return this.nodeOutputs(opType, inputs, 1, attributes)[0];
  }

  constant(dataType: number, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh('grad_const');
    this.initializers.push(makeTensor(name, dataType, dims, values));
    return name;
  }

  /** A float constant in the graph's float type; a plain number gives a scalar. */
  float(values: number | ArrayLike<number>, dims?: number[]): string {
    return typeof values === 'number' ? this.constant(this.floatType, dims ?? [], [values]) : this.constant(this.floatType, dims ?? [values.length], values);
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.INT64, dims, values);
  }

  shapeOf(tensor: string): string {
    let shape = this.shapes.get(tensor);
    if (!shape) this.shapes.set(tensor, (shape = this.node('Shape', [tensor])));
    return shape;
  }

  reshape(tensor: string, shape: string | number[]): string {
    return this.node('Reshape', [tensor, typeof shape === 'string' ? shape : this.int64(shape)]);
  }

  /** Reshape to another tensor's runtime shape (whose zeros are sizes, not "copy this dim", from opset 14). */
  reshapeLike(tensor: string, like: string): string {
    return this.node('Reshape', [tensor, this.shapeOf(like)], { allowzero: this.opset >= 14 ? 1 : undefined });
  }

  transpose(tensor: string, perm: number[]): string {
    return this.node('Transpose', [tensor], { perm });
  }

  /** ReduceSum over axes (undefined: all axes); axes move from attribute to input at opset 13. */
  reduceSum(tensor: string, axes: number[] | undefined, keepdims: boolean): string {
    return this.reduce('ReduceSum', 13, tensor, axes, keepdims);
  }

  reduceMean(tensor: string, axes: number[] | undefined, keepdims: boolean): string {
    return this.reduce('ReduceMean', 18, tensor, axes, keepdims);
  }

  private reduce(opType: string, axesInputSince: number, tensor: string, axes: number[] | undefined, keepdims: boolean): string {
    const keep = keepdims ? 1 : 0;
    if (axes !== undefined && axes.length === 0) return keepdims ? tensor : this.node('Identity', [tensor]);
    if (this.opset >= axesInputSince) return this.node(opType, axes ? [tensor, this.int64(axes)] : [tensor], { keepdims: keep });
    return this.node(opType, [tensor], { axes, keepdims: keep });
  }

  unsqueeze(tensor: string, axes: number[]): string {
    if (axes.length === 0) return tensor;
    return this.opset >= 13 ? this.node('Unsqueeze', [tensor, this.int64(axes)]) : this.node('Unsqueeze', [tensor], { axes });
  }

  squeeze(tensor: string, axes: number[]): string {
    if (axes.length === 0) return tensor;
    return this.opset >= 13 ? this.node('Squeeze', [tensor, this.int64(axes)]) : this.node('Squeeze', [tensor], { axes });
  }

  /** Slice with static bounds (gradient graphs are at least opset 11, where bounds are inputs). */
  slice(tensor: string, starts: number[], ends: number[], axes: number[], steps?: number[]): string {
    const inputs = [tensor, this.int64(starts), this.int64(ends), this.int64(axes)];
    if (steps && steps.some((step) => step !== 1)) inputs.push(this.int64(steps));
    return this.node('Slice', inputs);
  }

  /** Constant-mode zero Pad with non-negative pads [begin..., end...]. */
  pad(tensor: string, pads: number[]): string {
    if (pads.every((pad) => pad === 0)) return tensor;
    return this.node('Pad', [tensor, this.int64(pads)], { mode: 'constant' });
  }

  /** 1 where the condition holds, else 0, in the graph's float type. */
  mask(condition: string): string {
    return this.node('Cast', [condition], { to: this.floatType });
  }

  mul(a: string, b: string): string { return this.node('Mul', [a, b]); }
  add(a: string, b: string): string { return this.node('Add', [a, b]); }
  sub(a: string, b: string): string { return this.node('Sub', [a, b]); }
  div(a: string, b: string): string { return this.node('Div', [a, b]); }
  neg(a: string): string { return this.node('Neg', [a]); }

  /** Zeros shaped like a tensor at run time. */
  zerosLike(tensor: string): string {
    return this.node('ConstantOfShape', [this.shapeOf(tensor)], { value: makeTensor('', this.floatType, [1], [0]) });
  }

  /** Element count of a tensor as a float scalar, at run time. */
  sizeOf(tensor: string): string {
    return this.node('Cast', [this.node('Size', [tensor])], { to: this.floatType });
  }
}

function isAttribute(value: unknown): value is OnnxAttribute {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value && ('type' in value) && !('data_type' in value);
}
