import type * as Ort from 'onnxruntime-node';
import type { OnnxModel } from '../onnx/codec';
import { float16ArrayToFloat32 } from '../onnx/dtypes';
import { createSession, onnxruntime, sessionExecution, type SessionOptions } from '../onnx/session';

export type OrtModule = typeof Ort;

export interface LoadedSession {
  session: Ort.InferenceSession;
  /** The execution provider that runs it. */
  provider: string;
  /** Why it is not the provider the settings asked for, when a GPU provider failed. */
  fallback?: string;
}

/** Opens a model on the execution provider the process-wide config chooses. */
export async function openSession(model: OnnxModel, options: SessionOptions = {}): Promise<LoadedSession> {
  const session = await createSession(model, options);
  const { provider, fallback } = sessionExecution(session);
  return { session, provider, ...(fallback ? { fallback } : {}) };
}

export function loadOnnxRuntime(): OrtModule {
  return onnxruntime();
}

/**
 * A float32 array as an onnxruntime tensor of the input's dtype. Float16 models are run converted to float32
 * (see Predictor.open): onnxruntime-node's binding cannot read the Float16Array that Node 24 gives float16 tensors.
 */
export function floatTensor(ort: OrtModule, dtype: string, data: Float32Array, dims: readonly number[]): Ort.Tensor {
  if (dtype === 'float32') return new ort.Tensor('float32', data, dims);
  if (dtype === 'float64') return new ort.Tensor('float64', Float64Array.from(data), dims);
  const clamped = (low: number, high: number) => (v: number) => Math.min(high, Math.max(low, Math.round(v)));
  if (dtype === 'uint8') return new ort.Tensor('uint8', Uint8Array.from(data, clamped(0, 255)), dims);
  if (dtype === 'int8') return new ort.Tensor('int8', Int8Array.from(data, clamped(-128, 127)), dims);
  if (dtype === 'int32') return new ort.Tensor('int32', Int32Array.from(data, clamped(-(2 ** 31), 2 ** 31 - 1)), dims);
  if (dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(Math.round(v))), dims);
  throw new Error(`image input of type ${dtype} is not supported`);
}

/** An output tensor's values as float32 (float16 bits decoded; a Float16Array converts by value). */
export function tensorToFloat32(tensor: Ort.Tensor): Float32Array {
  const data = tensor.data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return float16ArrayToFloat32(data);
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new Error(`output of type ${tensor.type} is not numeric`);
}
