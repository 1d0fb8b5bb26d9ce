import { OnnxAttribute, OnnxNode, toNumber } from '../../onnx/codec';
import { tensorValues } from '../../onnx/dtypes';
import type { Emitter } from '../emitter';
import type { OnnxTensor } from '../../onnx/codec';

/** The path from the wrt tensors to the objective holds something the builder cannot differentiate. */
export class UnsupportedGradientError extends Error {
  constructor(readonly opType: string, readonly nodeName: string, detail?: string) {
    super(`no gradient for ${opType} node '${nodeName}'${detail ? `: ${detail}` : ''}`);
    this.name = 'UnsupportedGradientError';
  }
}

/** What a rule sees of the node it differentiates and of the graph around it. */
export class RuleContext {
  constructor(
    readonly node: OnnxNode,
    readonly emit: Emitter,
    private readonly inputNeeds: boolean[],
    private readonly outputGradients: (string | undefined)[],
    private readonly shapes: Record<string, number[]>,
    private readonly constants: Map<string, OnnxTensor>,
    private readonly types: Map<string, number>,
  ) {}

  /** Element type of a tensor (declared by the model or propagated from its producer). */
  elemType(tensor: string): number {
    return this.types.get(tensor) ?? this.emit.floatType;
  }

  get opset(): number {
    return this.emit.opset;
  }

  input(index: number): string {
    return this.node.input[index] ?? '';
  }

  output(index: number): string {
    return this.node.output[index] ?? '';
  }

  /** Whether input `index` lies on a path from a wrt tensor (so its gradient is wanted). */
  needs(index: number): boolean {
    return this.inputNeeds[index] ?? false;
  }

  /** The gradient flowing into output `index`, or undefined where that output does not reach the objective. */
  dy(index = 0): string | undefined {
    return this.outputGradients[index];
  }

  /** The gradient of output 0, which every single-output rule requires. */
  get gradOut(): string {
    const gradient = this.outputGradients[0];
    if (!gradient) this.fail('its first output does not reach the objective');
    return gradient;
  }

  fail(detail: string): never {
    throw new UnsupportedGradientError(this.node.op_type, this.node.name || this.node.output[0], detail);
  }

  /** Dims of a tensor (-1 where unknown), or undefined when not even the rank is known. */
  shape(tensor: string): number[] | undefined {
    return this.shapes[tensor];
  }

  rank(tensor: string): number {
    const shape = this.shapes[tensor];
    if (!shape) this.fail(`the rank of '${tensor}' is not known (give shapes or sample feeds)`);
    return shape.length;
  }

  /** Fully known dims; fails when any is unknown. */
  staticShape(tensor: string): number[] {
    const shape = this.shapes[tensor];
    if (!shape || shape.some((dim) => dim < 0)) this.fail(`the shape of '${tensor}' is not known statically (give shapes or sample feeds)`);
    return shape;
  }

  /** Values of an initializer or Constant input, or undefined when the input is computed at run time. */
  constantValues(tensor: string): number[] | undefined {
    const value = tensor ? this.constants.get(tensor) : undefined;
    if (!value) return undefined;
    return Array.from(tensorValues(value) as ArrayLike<number | bigint>, (v) => Number(v));
  }

  /** Values of an input that the rule needs at build time; fails when it is computed at run time. */
  requireConstant(tensor: string, what: string): number[] {
    const values = this.constantValues(tensor);
    if (!values) this.fail(`its ${what} input '${tensor}' is computed at run time`);
    return values;
  }

  private attribute(name: string): OnnxAttribute | undefined {
    return this.node.attribute.find((attribute) => attribute.name === name);
  }

  int(name: string, fallback: number): number {
    const attribute = this.attribute(name);
    return attribute?.i !== undefined && attribute.i !== null ? toNumber(attribute.i) : fallback;
  }

  ints(name: string): number[] | undefined {
    const attribute = this.attribute(name);
    return attribute?.ints && attribute.ints.length > 0 ? attribute.ints.map(toNumber) : undefined;
  }

  float(name: string, fallback: number): number {
    const attribute = this.attribute(name);
    return attribute && attribute.f !== undefined && attribute.f !== null && attribute.type === 1 ? attribute.f : fallback;
  }

  floats(name: string): number[] | undefined {
    const attribute = this.attribute(name);
    return attribute?.floats && attribute.floats.length > 0 ? attribute.floats : undefined;
  }

  string(name: string, fallback: string): string {
    const attribute = this.attribute(name);
    return attribute?.s && attribute.s.length > 0 ? Buffer.from(attribute.s).toString('utf8') : fallback;
  }

  has(name: string): boolean {
    return this.attribute(name) !== undefined;
  }
}

/** Returns, for each input of the node, its gradient tensor (undefined where not needed or not differentiable). */
export type GradientRule = (context: RuleContext) => (string | undefined)[];

export interface GradientRuleEntry {
  backward: GradientRule;
  /** Rewrites the forward node before differentiation, e.g. to also output what the backward pass reuses. */
  prepare?: (node: OnnxNode, emit: Emitter) => OnnxNode;
}
