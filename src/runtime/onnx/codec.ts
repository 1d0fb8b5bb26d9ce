import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import Long from 'long';
import schema from './onnx-schema.json';

// protobufjs decodes int64 fields as Long only when it is told which Long to use.
protobuf.util.Long = Long;
protobuf.configure();

const root = protobuf.Root.fromJSON(schema as unknown as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');
const TensorProto = root.lookupType('onnx.TensorProto');

export type Int64 = number | Long;

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
  [key: string]: unknown;
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute: OnnxAttribute[];
  doc_string?: string;
  [key: string]: unknown;
}

export interface StringStringEntry { key: string; value: string }

export interface OnnxTensor {
  dims: Int64[];
  data_type: number;
  name?: string;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  uint64_data?: Int64[];
  double_data?: number[];
  string_data?: Uint8Array[];
  data_location?: number;
  external_data?: StringStringEntry[];
  [key: string]: unknown;
}

export interface OnnxDimension { dim_value?: Int64; dim_param?: string; [key: string]: unknown }

export interface OnnxValueInfo {
  name: string;
  type?: {
    tensor_type?: { elem_type?: number; shape?: { dim: OnnxDimension[] } };
    [key: string]: unknown;
  };
  doc_string?: string;
  [key: string]: unknown;
}

export interface OnnxGraph {
  node: OnnxNode[];
  name?: string;
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  value_info: OnnxValueInfo[];
  [key: string]: unknown;
}

export interface OnnxOpsetImport { domain?: string; version: Int64 }

export interface OnnxModel {
  ir_version?: Int64;
  opset_import: OnnxOpsetImport[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph: OnnxGraph;
  metadata_props?: StringStringEntry[];
  [key: string]: unknown;
}

/** Thrown for bytes that are not an ONNX model; names the file where there is one. */
export class OnnxFormatError extends Error {
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'OnnxFormatError';
  }
}

/** Decodes a serialized ModelProto. Messages keep protobufjs's shape, so encodeModel gives back the same bytes. */
export function decodeModel(bytes: Uint8Array, file?: string): OnnxModel {
  let message: protobuf.Message;
  try {
    message = ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(`not a valid ONNX protobuf (${(error as Error).message})`, file);
  }
  const model = message as unknown as OnnxModel;
  if (!model.graph) throw new OnnxFormatError('the ModelProto has no graph', file);
  if (!model.opset_import || model.opset_import.length === 0) {
    throw new OnnxFormatError('the ModelProto declares no opset_import', file);
  }
  return model;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  return ModelProto.encode(model as unknown as protobuf.Message).finish();
}

export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  return TensorProto.decode(bytes) as unknown as OnnxTensor;
}

export function encodeTensor(tensor: OnnxTensor): Uint8Array {
  return TensorProto.encode(tensor as unknown as protobuf.Message).finish();
}

/** Creates a message of the given onnx type (for example 'NodeProto') that encodes like a decoded one. */
export function createMessage<T>(typeName: string, properties: object): T {
  return root.lookupType(`onnx.${typeName}`).create(properties) as unknown as T;
}

/** Reads a model from disk, resolving tensors stored as external data relative to the model's folder. */
export function readModelFile(file: string, options: { loadExternalData?: boolean } = {}): OnnxModel {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new OnnxFormatError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, file);
  }
  const model = decodeModel(bytes, file);
  if (options.loadExternalData !== false) loadExternalData(model, path.dirname(file), file);
  return model;
}

export const EXTERNAL_DATA_LOCATION = 1;

/** Moves external tensor data into raw_data, reading each location/offset/length entry. */
export function loadExternalData(model: OnnxModel, baseDir: string, file?: string): void {
  for (const tensor of allTensors(model.graph)) {
    if (tensor.data_location !== EXTERNAL_DATA_LOCATION) continue;
    const entries = new Map((tensor.external_data ?? []).map((entry) => [entry.key, entry.value]));
    const location = entries.get('location');
    if (!location) throw new OnnxFormatError(`tensor ${tensor.name} is external but names no location`, file);
    const target = path.resolve(baseDir, location);
    if (path.relative(baseDir, target).startsWith('..')) {
      throw new OnnxFormatError(`tensor ${tensor.name}: external data location ${location} lies outside the model's folder`, file);
    }
    let data: Buffer;
    try {
      data = fs.readFileSync(target);
    } catch {
      throw new OnnxFormatError(`tensor ${tensor.name}: cannot read external data file ${location}`, file);
    }
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : data.length - offset;
    if (offset + length > data.length) {
      throw new OnnxFormatError(`tensor ${tensor.name}: external data ${location} is shorter than offset ${offset} + length ${length}`, file);
    }
    tensor.raw_data = new Uint8Array(data.buffer, data.byteOffset + offset, length);
    tensor.data_location = 0;
    tensor.external_data = [];
  }
}

/** Every tensor of a graph and its subgraphs: initializers and tensor-valued attributes (Constant nodes). */
export function* allTensors(graph: OnnxGraph): Generator<OnnxTensor> {
  yield* graph.initializer ?? [];
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (attribute.t) yield attribute.t;
      for (const tensor of attribute.tensors ?? []) yield tensor;
      if (attribute.g) yield* allTensors(attribute.g);
      for (const subgraph of attribute.graphs ?? []) yield* allTensors(subgraph);
    }
  }
}

export function toNumber(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : (value as Long).toNumber();
}

/** Whether a node or opset import belongs to the default ONNX operator domain ('' or 'ai.onnx'). */
export function isDefaultDomain(domain: string | null | undefined): boolean {
  return !domain || domain === 'ai.onnx';
}

/** The model's default-domain opset version; 0 when it imports none. */
export function defaultOpset(model: OnnxModel): number {
  const entry = model.opset_import.find((opset) => isDefaultDomain(opset.domain));
  return entry ? toNumber(entry.version) : 0;
}
