import { defaultOpset, readModelFile, toNumber, type OnnxModel } from '../onnx/codec';
import { dtypeName } from '../onnx/dtypes';

/** What preprocessing guesses need to know about a model's image input. */
export interface ModelInputFacts {
  name: string;
  dtype: string;
  /** Dims with numbers, symbolic names or null. */
  dims: (number | string | null)[];
  producer: string;
  irVersion: number;
  opset: number | null;
  metadata: Record<string, string>;
}

/** The first graph input that is not an initializer (old IRs list initializers as inputs too). */
export function onnxInputFacts(model: OnnxModel): ModelInputFacts {
  const initializers = new Set(model.graph.initializer.map((tensor) => tensor.name));
  const input = model.graph.input.find((value) => !initializers.has(value.name));
  if (!input) throw new Error('the model has no input that is fed at run time');
  const tensorType = (input.type as { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: unknown; dim_param?: string }[] } } } | undefined)?.tensor_type;
  const dims = (tensorType?.shape?.dim ?? []).map((dim) => {
    if (dim.dim_value !== undefined && dim.dim_value !== null && toNumber(dim.dim_value as number) > 0) return toNumber(dim.dim_value as number);
    return dim.dim_param ? dim.dim_param : null;
  });
  return {
    name: input.name,
    dtype: dtypeName(tensorType?.elem_type ?? 1),
    dims,
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' '),
    irVersion: toNumber(model.ir_version),
    opset: defaultOpset(model) || null,
    metadata: onnxMetadata(model),
  };
}

/** An ONNX model's metadata_props as a record. */
export function onnxMetadata(model: OnnxModel): Record<string, string> {
  return Object.fromEntries((model.metadata_props ?? []).map((entry) => [entry.key, entry.value]));
}

export function readInputFacts(modelFile: string): ModelInputFacts {
  return onnxInputFacts(readModelFile(modelFile));
}
