import { createMessage, OnnxModel, OnnxNode, OnnxValueInfo } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';
import { Emitter } from '../grad/emitter';
import type { OptimizerName } from './types';

export interface OptimizerSpec {
  name: OptimizerName;
  /** SGD momentum (0: plain SGD). */
  momentum: number;
  nesterov: boolean;
  /** L2 added to the gradient (SGD, Adam) or decoupled decay (AdamW), as PyTorch's optimizers do. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Per-step scalars the update reads, fed as graph inputs so one graph serves every step and learning rate. */
export const STEP_SIZE_INPUT = 'train_step_size';
export const INVERSE_SQRT_BIAS2_INPUT = 'train_inverse_sqrt_bias_correction2';
export const DECAY_INPUT = 'train_decay';

/** Names of the optimizer state tensors of one weight (momentum buffer, or Adam's two moments). */
export function stateSlots(spec: OptimizerSpec): string[] {
  if (spec.name === 'sgd') return spec.momentum > 0 ? ['momentum'] : [];
  return ['exp_avg', 'exp_avg_sq'];
}

export function stateName(weight: string, slot: string): string {
  return `${weight}.${slot}`;
}

/** Values of the per-step scalars for step `step` (counting from 1) at learning rate `lr`. */
export function stepScalars(spec: OptimizerSpec, step: number, lr: number): Record<string, number> {
  if (spec.name === 'sgd') return { [STEP_SIZE_INPUT]: lr };
  const scalars: Record<string, number> = {
    [STEP_SIZE_INPUT]: lr / (1 - spec.beta1 ** step),
    [INVERSE_SQRT_BIAS2_INPUT]: 1 / Math.sqrt(1 - spec.beta2 ** step),
  };
  if (spec.name === 'adamw') scalars[DECAY_INPUT] = 1 - lr * spec.weightDecay;
  return scalars;
}

function scalarInput(name: string): OnnxValueInfo {
  return createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [] } } } });
}

function tensorInfo(name: string, dims: number[]): OnnxValueInfo {
  return createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });
}

export interface OptimizerGraph {
  model: OnnxModel;
  /** weight → output holding its updated value */
  updatedWeights: Record<string, string>;
  /** state tensor (stateName) → output holding its updated value */
  updatedStates: Record<string, string>;
  scalarInputs: string[];
}

/**
 * Appends the optimizer update to a training graph, PyTorch's formulas: SGD (momentum, Nesterov, L2 decay), Adam
 * (L2 decay) and AdamW (decoupled decay). The state tensors become inputs, the updated weights and states outputs.
 */
export function appendOptimizer(
  model: OnnxModel,
  opset: number,
  weights: { name: string; gradient: string; dims: number[] }[],
  spec: OptimizerSpec,
): OptimizerGraph {
  const graph = model.graph;
  const taken = new Set([...graph.initializer.map((t) => t.name ?? ''), ...graph.node.flatMap((node) => [...node.input, ...node.output]), ...graph.input.map((i) => i.name), ...graph.output.map((o) => o.name)]);
  const emit = new Emitter(opset, DataType.FLOAT, taken);
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const updatedWeights: Record<string, string> = {};
  const updatedStates: Record<string, string> = {};
  const scalarInputs = Object.keys(stepScalars(spec, 1, 1));
  for (const name of scalarInputs) inputs.push(scalarInput(name));

  const publish = (value: string, base: string, dims: number[]): string => {
    const name = emit.fresh(`${base}_next`);
    emit.nodes.push(createMessage<OnnxNode>('NodeProto', { name, op_type: 'Identity', input: [value], output: [name], attribute: [] }));
    outputs.push(tensorInfo(name, dims));
    return name;
  };
  const stateInput = (weight: string, slot: string, dims: number[]): string => {
    const name = stateName(weight, slot);
    inputs.push(tensorInfo(name, dims));
    return name;
  };
  const scale = (tensor: string, factor: number) => emit.mul(tensor, emit.float(factor));
  const coupledDecay = (weight: string, gradient: string) => (spec.weightDecay > 0 ? emit.add(gradient, scale(weight, spec.weightDecay)) : gradient);

  for (const { name: weight, gradient, dims } of weights) {
    let updated: string;
    if (spec.name === 'sgd') {
      const direction = coupledDecay(weight, gradient);
      let step = direction;
      if (spec.momentum > 0) {
        const buffer = emit.add(scale(stateInput(weight, 'momentum', dims), spec.momentum), direction);
        updatedStates[stateName(weight, 'momentum')] = publish(buffer, stateName(weight, 'momentum'), dims);
        step = spec.nesterov ? emit.add(direction, scale(buffer, spec.momentum)) : buffer;
      }
      updated = emit.sub(weight, emit.mul(step, STEP_SIZE_INPUT));
    } else {
      const direction = spec.name === 'adam' ? coupledDecay(weight, gradient) : gradient;
      const average = emit.add(scale(stateInput(weight, 'exp_avg', dims), spec.beta1), scale(direction, 1 - spec.beta1));
      const squares = emit.add(scale(stateInput(weight, 'exp_avg_sq', dims), spec.beta2), scale(emit.mul(direction, direction), 1 - spec.beta2));
      updatedStates[stateName(weight, 'exp_avg')] = publish(average, stateName(weight, 'exp_avg'), dims);
      updatedStates[stateName(weight, 'exp_avg_sq')] = publish(squares, stateName(weight, 'exp_avg_sq'), dims);
      const denominator = emit.add(emit.mul(emit.node('Sqrt', [squares]), INVERSE_SQRT_BIAS2_INPUT), emit.float(spec.epsilon));
      const decayed = spec.name === 'adamw' ? emit.mul(weight, DECAY_INPUT) : weight;
      updated = emit.sub(decayed, emit.mul(emit.div(average, denominator), STEP_SIZE_INPUT));
    }
    updatedWeights[weight] = publish(updated, weight, dims);
  }
  return {
    model: {
      ...model,
      graph: { ...graph, node: [...graph.node, ...emit.nodes], initializer: [...graph.initializer, ...emit.initializers], input: [...graph.input, ...inputs], output: [...graph.output, ...outputs] },
    },
    updatedWeights,
    updatedStates,
    scalarInputs,
  };
}
