import type * as Ort from 'onnxruntime-node';
import { encodeModel, OnnxModel } from './codec';

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A tensor as plain data: what feeds take and what runs give back. */
export interface TensorValue<T extends TensorData = TensorData> {
  data: T;
  dims: number[];
}

export interface SessionOptions {
  /** Threads for one operator (onnxruntime's intraOpNumThreads); default: onnxruntime's choice (all cores). */
  threads?: number;
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']; default ['cpu']. */
  providers?: string[];
  /** onnxruntime graph optimizations; default 'all'. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Writes onnxruntime's JSON profile (file name prefix). */
  profilePrefix?: string;
  /**
   * onnxruntime's memory pattern (default on): after the first run it asks the arena for one block sized for the
   * whole run, on top of the blocks the first run left there. Training graphs, whose runs hold gigabytes, turn it off.
   */
  memoryPattern?: boolean;
}

let runtime: typeof Ort | undefined;

/** onnxruntime-node, loaded on first use so that code paths without inference never pay for it. */
export function onnxruntime(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load of the native module (see above)
  runtime ??= require('onnxruntime-node') as typeof Ort;
  return runtime;
}

export async function createSession(model: OnnxModel | Uint8Array, options: SessionOptions = {}): Promise<Ort.InferenceSession> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: options.providers ?? ['cpu'],
    graphOptimizationLevel: options.optimization ?? 'all',
    // Warnings only restate facts of old exports (initializers listed as inputs); errors still surface as exceptions.
    logSeverityLevel: 3,
  };
  if (options.threads !== undefined) {
    sessionOptions.intraOpNumThreads = options.threads;
    sessionOptions.interOpNumThreads = 1;
  }
  if (options.memoryPattern === false) sessionOptions.enableMemPattern = false;
  if (options.profilePrefix) {
    sessionOptions.enableProfiling = true;
    sessionOptions.profileFilePrefix = options.profilePrefix;
  }
  return onnxruntime().InferenceSession.create(bytes, sessionOptions);
}

const tensorTypes: [new (...args: never[]) => TensorData, Ort.Tensor.Type][] = [
  [Float32Array, 'float32'], [Float64Array, 'float64'], [Int32Array, 'int32'], [BigInt64Array, 'int64'],
  [Uint8Array, 'uint8'], [Int8Array, 'int8'], [Uint16Array, 'uint16'], [Int16Array, 'int16'],
];

export function toOrtTensor(value: TensorValue): Ort.Tensor {
  const entry = tensorTypes.find(([type]) => value.data instanceof type);
  if (!entry) throw new Error(`unsupported feed array type ${value.data.constructor.name}`);
  return new (onnxruntime().Tensor)(entry[1], value.data as never, value.dims);
}

export function toFeeds(values: Record<string, TensorValue>): Record<string, Ort.Tensor> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, toOrtTensor(value)]));
}

/** Runs a session on plain feeds and returns plain tensors (all outputs, or the ones named). */
export async function runSession(session: Ort.InferenceSession, feeds: Record<string, TensorValue>, outputNames?: string[]): Promise<Record<string, TensorValue>> {
  const results = outputNames ? await session.run(toFeeds(feeds), outputNames) : await session.run(toFeeds(feeds));
  return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, { data: tensor.data as TensorData, dims: [...tensor.dims] }]));
}
