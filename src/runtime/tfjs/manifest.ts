import type { ModelSummary } from '../inspect/types';

export interface ManifestWeight { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min?: number; scale?: number } }
export interface WeightsManifestGroup { paths: string[]; weights: ManifestWeight[] }
export interface ModelJson { format?: string; modelTopology?: Record<string, unknown>; weightsManifest?: WeightsManifestGroup[]; [key: string]: unknown }

/** Bytes one stored element takes, by stored dtype (the quantization dtype where there is one). */
const storedWidth: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2, complex64: 8, string: 0 };

/** Bytes a weight takes in its shard. */
export function storedBytes(weight: ManifestWeight): number {
  return weight.shape.reduce((p, d) => p * d, 1) * (storedWidth[weight.quantization?.dtype ?? weight.dtype] ?? 4);
}

export function manifestWeights(json: ModelJson): ManifestWeight[] {
  return (json.weightsManifest ?? []).flatMap((group) => group.weights ?? []);
}

const floatTypes = new Set(['float32', 'float16']);

/** Parameter totals by stored dtype (quantized weights count at their stored width). */
export function paramTotals(weights: ManifestWeight[]): { params: number; paramBytesByDtype: ModelSummary['paramBytesByDtype'] } {
  const paramBytesByDtype: ModelSummary['paramBytesByDtype'] = {};
  let params = 0;
  for (const weight of weights) {
    // Graph models also store shape and index constants (int32) in the manifest; those are not parameters.
    if (!floatTypes.has(weight.dtype)) continue;
    const count = weight.shape.reduce((p, d) => p * d, 1);
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    const entry = (paramBytesByDtype[dtype] ??= { count: 0, bytes: 0 });
    entry.count += count;
    entry.bytes += storedBytes(weight);
    params += count;
  }
  return { params, paramBytesByDtype };
}

export function stringMetadata(json: ModelJson): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const key of ['format', 'generatedBy', 'convertedBy']) if (typeof json[key] === 'string') metadata[key] = json[key] as string;
  return { ...metadata, ...userMetadataStrings(json.userDefinedMetadata) };
}

/** A tfjs model's userDefinedMetadata as strings, as ONNX metadata_props hold them: strings as they are, other values as JSON. */
export function userMetadataStrings(userDefined: unknown): Record<string, string> {
  const entries = Object.entries((userDefined ?? {}) as Record<string, unknown>);
  return Object.fromEntries(entries.map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}
