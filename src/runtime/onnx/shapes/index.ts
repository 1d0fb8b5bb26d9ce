import { defaultOpset, isDefaultDomain, OnnxModel, OnnxValueInfo, toNumber } from '../codec';
import { topologicalOrder } from '../graph';
import { constantRules, tensorFacts } from './constant';
import { convRules } from './conv';
import { elementwiseRules } from './elementwise';
import { Shape, ShapeRule, TensorFacts, makeContext } from './facts';
import { layoutRules } from './layout';
import { matmulRules } from './matmul';
import { poolRules } from './pool';
import { reduceRules } from './reduce';
import { resizeRules } from './resize';
import { slicingRules } from './slicing';

export type { TensorFacts, ShapeRule } from './facts';

/** Op type (default ONNX domain) → its static shape rule. */
export const shapeRules: Record<string, ShapeRule> = {
  ...constantRules, ...convRules, ...elementwiseRules, ...layoutRules, ...matmulRules,
  ...poolRules, ...reduceRules, ...resizeRules, ...slicingRules,
};

/** The declared type of a graph input/output/value_info: dims as numbers, symbolic names, or null. */
export function declaredFacts(info: OnnxValueInfo): TensorFacts {
  const tensorType = info.type?.tensor_type;
  const dims = tensorType?.shape?.dim;
  const shape: Shape | null = dims
    ? dims.map((dim) => (dim.dim_value !== undefined && dim.dim_value !== null && toNumber(dim.dim_value) > 0 ? toNumber(dim.dim_value) : dim.dim_param ? dim.dim_param : null))
    : null;
  return { dtype: tensorType?.elem_type || null, shape };
}

export interface InferenceOptions {
  /** Values for symbolic input dims (for example { batch_size: 1, height: 640 }); others stay symbolic. */
  dims?: Record<string, number>;
}

/**
 * Static shape and type inference over the graph, starting from its declared inputs and its initializers.
 * Symbolic dims propagate; what cannot be inferred is null. Ops without a rule fall back to the model's own
 * value_info for their outputs (or null).
 */
export function inferShapes(model: OnnxModel, options: InferenceOptions = {}): Map<string, TensorFacts> {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const facts = new Map<string, TensorFacts>();
  const bound = options.dims ?? {};
  for (const input of graph.input ?? []) {
    const declared = declaredFacts(input);
    const shape = declared.shape?.map((dim) => (typeof dim === 'string' && bound[dim] !== undefined ? bound[dim] : dim)) ?? null;
    facts.set(input.name, { ...declared, shape });
  }
  for (const tensor of graph.initializer ?? []) facts.set(tensor.name ?? '', tensorFacts(tensor));
  const declared = new Map((graph.value_info ?? []).map((info) => [info.name, info]));
  for (const node of topologicalOrder(graph)) {
    const inDefaultDomain = isDefaultDomain(node.domain);
    const rule = inDefaultDomain ? shapeRules[node.op_type] : undefined;
    let results: (TensorFacts | null)[] = [];
    if (rule) {
      const inputs = node.input.map((name) => (name ? facts.get(name) : undefined));
      try {
        results = rule(makeContext(node, opset, inputs));
      } catch {
        results = [];
      }
    }
    node.output.forEach((name, i) => {
      if (!name) return;
      const inferred = results[i];
      if (inferred) facts.set(name, inferred);
      else facts.set(name, declared.has(name) ? declaredFacts(declared.get(name)!) : { dtype: null, shape: null });
    });
  }
  return facts;
}
