import type { OnnxModel } from '../onnx/codec';
import { DataType, tensorValues } from '../onnx/dtypes';
import { initializerMap, topologicalOrder } from '../onnx/graph';
import { inferShapes } from '../onnx/shapes';
import { dropUnusedInitializers, editableCopy, floatAttribute, intAttribute, makeNode, Names, tensorDims, typedTensor } from './graph-edit';
import { quantizeWeight } from './quant-params';
import type { KeptFloat } from './qdq';
import { quantizeNodeName } from './qdq';
import { DYNAMIC_MATMUL_TYPES, DYNAMIC_WEIGHT_ONLY_TYPES, weightAxis } from './registry';

export interface DynamicSettings { perChannel: boolean; reduceRange: boolean; exclude: string[] }

function transpose2d(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c];
  return out;
}

/**
 * Dynamic quantization, choosing what onnxruntime runs fast: MatMul and Gemm by a constant weight compute in
 * integers with activations quantized at run time (DynamicQuantizeLinear → MatMulInteger → Cast → Mul, the pattern
 * onnxruntime fuses into DynamicQuantizeMatMul); convolutions keep float compute (onnxruntime's ConvInteger is slower
 * than its float Conv) with int8 weights read through DequantizeLinear, which only shrinks the file.
 */
export function quantizeDynamic(prepared: OnnxModel, settings: DynamicSettings): { model: OnnxModel; quantizedNodes: number; keptFloat: KeptFloat[] } {
  const model = editableCopy(prepared);
  const graph = model.graph;
  const names = new Names(graph);
  const constants = initializerMap(graph);
  const facts = inferShapes(model);
  const exclude = new Set(settings.exclude);
  const keptFloat: KeptFloat[] = [];
  const nodes = [];
  let quantizedNodes = 0;
  for (const node of topologicalOrder(graph)) {
    const name = quantizeNodeName(node);
    const weight = constants.get(node.input[1]);
    const isCandidate = DYNAMIC_MATMUL_TYPES.has(node.op_type) || DYNAMIC_WEIGHT_ONLY_TYPES.has(node.op_type);
    if (!isCandidate) { nodes.push(node); continue; }
    if (exclude.has(name) || exclude.has(node.op_type)) {
      keptFloat.push({ name, opType: node.op_type, reason: exclude.has(name) ? 'excluded by name' : `excluded by op type ${node.op_type}` });
      nodes.push(node);
      continue;
    }
    if (!weight || weight.data_type !== DataType.FLOAT) {
      keptFloat.push({ name, opType: node.op_type, reason: 'its weight is computed at run time' });
      nodes.push(node);
      continue;
    }
    const dims = tensorDims(weight);
    const values = tensorValues(weight) as Float32Array;
    const storeWeight = (base: string, data: Float32Array, shape: number[], axis: number | undefined) => {
      const q = quantizeWeight(data, shape, axis, settings.reduceRange);
      const stored = names.fresh(`${base}_quantized`);
      const scale = names.fresh(`${base}_scale`);
      const zero = names.fresh(`${base}_zero_point`);
      const vector = axis !== undefined ? [q.scales.length] : [];
      graph.initializer.push(typedTensor(stored, DataType.INT8, shape, q.values), typedTensor(scale, DataType.FLOAT, vector, q.scales), typedTensor(zero, DataType.INT8, vector, q.zeroPoints));
      return { stored, scale, zero };
    };

    if (DYNAMIC_WEIGHT_ONLY_TYPES.has(node.op_type)) {
      const axis = settings.perChannel ? weightAxis(node.op_type, false, dims.length) : undefined;
      const { stored, scale, zero } = storeWeight(node.input[1], values, dims, axis);
      const dequantized = names.fresh(`${node.input[1]}_dequantized`);
      nodes.push(makeNode('DequantizeLinear', [stored, scale, zero], [dequantized], names.fresh(`${node.input[1]}_DequantizeLinear`), axis !== undefined ? { axis } : {}));
      node.input = [node.input[0], dequantized, ...node.input.slice(2)];
      nodes.push(node);
      quantizedNodes++;
      continue;
    }

    const transB = intAttribute(node, 'transB', 0) === 1;
    const simpleGemm = node.op_type !== 'Gemm' || (intAttribute(node, 'transA', 0) === 0 && floatAttribute(node, 'alpha', 1) === 1 && floatAttribute(node, 'beta', 1) === 1);
    const inputIsFloat = facts.get(node.input[0])?.dtype === DataType.FLOAT;
    if (dims.length !== 2 || !simpleGemm || !inputIsFloat) {
      keptFloat.push({ name, opType: node.op_type, reason: !inputIsFloat ? 'its input is not float32' : 'only 2-D weights without alpha/beta/transA are quantized dynamically' });
      nodes.push(node);
      continue;
    }
    const [k, n] = transB ? [dims[1], dims[0]] : dims;
    const { stored, scale, zero } = storeWeight(node.input[1], transB ? transpose2d(values, dims[0], dims[1]) : values, [k, n], settings.perChannel ? 1 : undefined);
    const base = node.output[0];
    const [xq, xs, xz, product, productFloat, scales] = ['quantized', 'scale', 'zero_point', 'int32', 'int32_float', 'scales'].map((suffix) => names.fresh(`${base}_${suffix}`));
    const hasBias = node.op_type === 'Gemm' && node.input[2];
    const scaled = hasBias ? names.fresh(`${base}_without_bias`) : node.output[0];
    nodes.push(
      makeNode('DynamicQuantizeLinear', [node.input[0]], [xq, xs, xz], names.fresh(`${base}_DynamicQuantizeLinear`)),
      makeNode('MatMulInteger', [xq, stored, xz, zero], [product], names.fresh(`${name}_MatMulInteger`)),
      makeNode('Cast', [product], [productFloat], names.fresh(`${base}_Cast`), { to: DataType.FLOAT }),
      makeNode('Mul', [xs, scale], [scales], names.fresh(`${base}_scales`)),
      makeNode('Mul', [productFloat, scales], [scaled], names.fresh(`${base}_Mul`)),
    );
    if (hasBias) nodes.push(makeNode('Add', [scaled, node.input[2]], [node.output[0]], names.fresh(`${base}_bias`)));
    quantizedNodes++;
  }
  graph.node = nodes;
  graph.node = topologicalOrder(graph);
  return { model: dropUnusedInitializers(model), quantizedNodes, keptFloat };
}
