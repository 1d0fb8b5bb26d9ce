import { createMessage, defaultOpset, isDefaultDomain, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo, toNumber } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';
import { Emitter } from './emitter';
import type { BuildOptions, GradientModel, GradientRequest } from './index';
import { emitObjective } from './objective';
import { upgradeOpset, MIN_GRADIENT_OPSET } from './opset';
import { gradientRules } from './rules/index';
import { RuleContext, UnsupportedGradientError } from './rules/types';
import { declaredShapes, declaredTypes } from './shapes';

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE]);

/** Operators whose outputs (all, or those at the listed positions) are integers or booleans whatever their inputs. */
const NON_FLOAT_OUTPUTS: Record<string, number[] | 'all'> = {
  Shape: 'all', Size: 'all', NonZero: 'all', ArgMax: 'all', ArgMin: 'all', Equal: 'all', Greater: 'all', Less: 'all',
  GreaterOrEqual: 'all', LessOrEqual: 'all', Not: 'all', And: 'all', Or: 'all', Xor: 'all', IsNaN: 'all', IsInf: 'all',
  MaxPool: [1], TopK: [1], Dropout: [1], Unique: [1, 2, 3],
};

/** Operators with an integer output that still carries a gradient: the straight-through estimator of quantization. */
const STRAIGHT_THROUGH_OUTPUTS = new Set(['QuantizeLinear']);

/** Element types of every tensor: declared ones, else propagated from the first input (the data input of most operators). */
function propagateTypes(nodes: OnnxNode[], declared: Map<string, number>, constants: Map<string, OnnxTensor>): Map<string, number> {
  const types = new Map(declared);
  for (const [name, tensor] of constants) if (!types.has(name)) types.set(name, tensor.data_type);
  for (const node of nodes) {
    const nonFloat = NON_FLOAT_OUTPUTS[node.op_type];
    node.output.forEach((output, position) => {
      if (!output || types.has(output)) return;
      if (nonFloat === 'all' || nonFloat?.includes(position)) types.set(output, DataType.INT64);
      else if (node.op_type === 'Cast') types.set(output, toNumber(node.attribute.find((a) => a.name === 'to')?.i));
      else if (node.op_type === 'QuantizeLinear') types.set(output, types.get(node.input[2]) ?? DataType.UINT8);
      else if (node.op_type === 'DequantizeLinear') types.set(output, types.get(node.input[1]) ?? DataType.FLOAT);
      else {
        const inputType = types.get(node.input[0]);
        if (inputType !== undefined) types.set(output, inputType);
      }
    });
  }
  return types;
}

function valueInfo(name: string, elemType: number, dims?: number[]): OnnxValueInfo {
  const shape = dims ? { dim: dims.map((dim) => (dim >= 0 ? { dim_value: dim } : { dim_param: '?' })) } : undefined;
  return createMessage<OnnxValueInfo>('ValueInfoProto', { name, type: { tensor_type: { elem_type: elemType, shape } } });
}

/**
 * Turns Identity nodes that copy an initializer (PyTorch exports shared BatchNorm parameters that way) into
 * initializers: onnxruntime's Conv+BatchNormalization fusion otherwise drops the copies that backward nodes still read.
 */
function foldInitializerCopies(nodes: OnnxNode[], initializers: OnnxTensor[], graphOutputs: Set<string>): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const byName = new Map(initializers.map((tensor) => [tensor.name, tensor]));
  const copies: OnnxTensor[] = [];
  const kept = nodes.filter((node) => {
    const source = node.op_type === 'Identity' && !node.domain ? byName.get(node.input[0]) : undefined;
    if (!source || graphOutputs.has(node.output[0])) return true;
    copies.push(createMessage<OnnxTensor>('TensorProto', { ...source, name: node.output[0] }));
    return false;
  });
  return { nodes: kept, initializers: [...initializers, ...copies] };
}

export function buildGradientGraph(source: OnnxModel, request: GradientRequest, options: BuildOptions): GradientModel {
  const graph = source.graph;
  const sourceOpset = defaultOpset(source);
  if (!sourceOpset) throw new Error('the model imports no default-domain opset');
  const opset = Math.max(sourceOpset, MIN_GRADIENT_OPSET);
  const shapes = { ...declaredShapes(source), ...(options.shapes ?? {}) };
  const declared = declaredTypes(source);

  const known = new Set<string>([...graph.input.map((input) => input.name), ...(graph.initializer ?? []).map((tensor) => tensor.name ?? '')]);
  for (const node of graph.node) for (const output of node.output) known.add(output);
  const objectiveOutput = request.objective.output;
  if (!known.has(objectiveOutput)) throw new Error(`the objective's output '${objectiveOutput}' is not a tensor of the model`);
  for (const name of [...request.wrt, ...(request.activations ?? [])]) {
    if (!known.has(name)) throw new Error(`'${name}' is not a tensor of the model`);
  }
  const floatType = declared.get(objectiveOutput) ?? request.wrt.map((name) => declared.get(name)).find((type) => type) ?? DataType.FLOAT;
  for (const name of request.wrt) {
    const type = declared.get(name);
    if (type !== undefined && !FLOAT_TYPES.has(type)) throw new Error(`cannot differentiate with respect to '${name}': it is not a float tensor`);
  }

  const taken = new Set(known);
  for (const output of graph.output) taken.add(output.name);
  const emit = new Emitter(opset, floatType, taken);
  const folded = foldInitializerCopies(graph.node, graph.initializer ?? [], new Set(graph.output.map((output) => output.name)));
  const forwardNodes = sourceOpset < opset ? upgradeOpset(folded.nodes, sourceOpset, emit) : folded.nodes;
  const constants = new Map<string, OnnxTensor>();
  for (const tensor of [...folded.initializers, ...emit.initializers]) if (tensor.name) constants.set(tensor.name, tensor);
  for (const node of forwardNodes) {
    const value = node.op_type === 'Constant' ? node.attribute.find((attribute) => attribute.name === 'value')?.t : undefined;
    if (value) constants.set(node.output[0], value);
  }
  const types = propagateTypes(forwardNodes, declared, constants);
  const isFloat = (tensor: string) => FLOAT_TYPES.has(types.get(tensor) ?? floatType);
  const objective = emitObjective(emit, request.objective, shapes);

  // Nodes that depend on a wrt tensor, and nodes whose outputs reach the objective.
  const dependent = new Set(request.wrt);
  for (const node of forwardNodes) {
    if (node.input.some((input) => dependent.has(input))) for (const output of node.output) if (output && (isFloat(output) || STRAIGHT_THROUGH_OUTPUTS.has(node.op_type))) dependent.add(output);
  }
  const reaching = new Set([objectiveOutput]);
  const onPath = new Set<number>();
  for (let index = forwardNodes.length - 1; index >= 0; index--) {
    const node = forwardNodes[index];
    if (!node.output.some((output) => reaching.has(output))) continue;
    for (const input of node.input) if (input) reaching.add(input);
    if (node.output.some((output) => reaching.has(output) && dependent.has(output)) && node.input.some((input) => dependent.has(input))) onPath.add(index);
  }

  for (const index of onPath) {
    const node = forwardNodes[index];
    const entry = gradientRules[node.op_type];
    if (!entry || !isDefaultDomain(node.domain)) {
      throw new UnsupportedGradientError(node.domain ? `${node.domain}.${node.op_type}` : node.op_type, node.name || node.output[0], 'the operator has no gradient rule');
    }
    if (entry.prepare) forwardNodes[index] = entry.prepare(node, emit);
  }

  const contributions = new Map<string, string[]>([[objectiveOutput, [objective.seed]]]);
  const gradientOf = (tensor: string): string | undefined => {
    const parts = contributions.get(tensor);
    if (!parts || parts.length === 0) return undefined;
    if (parts.length > 1) contributions.set(tensor, [emit.node('Sum', parts)]);
    return contributions.get(tensor)![0];
  };
  for (let index = forwardNodes.length - 1; index >= 0; index--) {
    if (!onPath.has(index)) continue;
    const node = forwardNodes[index];
    const outputGradients = node.output.map((output) => (output ? gradientOf(output) : undefined));
    if (outputGradients.every((gradient) => gradient === undefined)) continue;
    const needs = node.input.map((input) => input !== '' && dependent.has(input));
    const context = new RuleContext(node, emit, needs, outputGradients, shapes, constants, types);
    const inputGradients = gradientRules[node.op_type].backward(context);
    node.input.forEach((input, position) => {
      const gradient = inputGradients[position];
      if (!needs[position] || !gradient) return;
      if (!contributions.has(input)) contributions.set(input, []);
      contributions.get(input)!.push(gradient);
    });
  }

  const outputs: OnnxValueInfo[] = [...graph.output];
  const outputNames = new Set(outputs.map((output) => output.name));
  const exposed = (tensor: string, name: string, elemType: number): string => {
    const outputName = emit.fresh(name);
    emit.nodes.push(createMessage<OnnxNode>('NodeProto', { name: outputName, op_type: 'Identity', input: [tensor], output: [outputName], attribute: [] }));
    outputs.push(valueInfo(outputName, elemType));
    outputNames.add(outputName);
    return outputName;
  };
  const objectiveName = exposed(objective.value, 'objective', floatType);
  const selectedName = objective.selected === undefined ? undefined : exposed(objective.selected, 'selected', DataType.INT64);
  const gradientNames: Record<string, string> = {};
  for (const name of request.wrt) gradientNames[name] = exposed(gradientOf(name) ?? emit.zerosLike(name), `${name}_grad`, types.get(name) ?? floatType);
  const activationNames: Record<string, string> = {};
  for (const name of request.activations ?? []) {
    if (!outputNames.has(name)) {
      outputs.push(valueInfo(name, types.get(name) ?? floatType));
      outputNames.add(name);
    }
    activationNames[name] = name;
  }

  const inputs = [...graph.input, ...objective.extraInputs.map((name) => valueInfo(name, floatType))];
  // onnxruntime-node ignores feeds for inputs that also have an initializer, so fed weights lose their stored value.
  const fedWeights = new Set(options.initializersAsInputs ? request.wrt.filter((name) => folded.initializers.some((tensor) => tensor.name === name)) : []);
  const listed = new Set(inputs.map((input) => input.name));
  for (const tensor of folded.initializers) {
    if (fedWeights.has(tensor.name ?? '') && !listed.has(tensor.name ?? '')) inputs.push(valueInfo(tensor.name!, tensor.data_type, tensor.dims.map(toNumber)));
  }

  const opsetImport = source.opset_import.map((entry) =>
    isDefaultDomain(entry.domain) ? createMessage('OperatorSetIdProto', { domain: entry.domain, version: opset }) : entry,
  );
  const model: OnnxModel = {
    ...source,
    // IR 4 lets initializers stay out of the graph inputs; opset 9 and later come with it.
    ir_version: Math.max(toNumber(source.ir_version), opset >= 9 ? 4 : 3),
    opset_import: opsetImport as OnnxModel['opset_import'],
    graph: {
      ...graph,
      node: [...forwardNodes, ...emit.nodes],
      initializer: [...folded.initializers.filter((tensor) => !fedWeights.has(tensor.name ?? '')), ...emit.initializers],
      input: inputs,
      output: outputs,
    },
  };
  return {
    model,
    objectiveName,
    gradientNames,
    activationNames,
    extraInputs: objective.extraInputs,
    outputNames: graph.output.map((output) => output.name),
    selectedName,
  };
}
