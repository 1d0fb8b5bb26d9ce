import type * as Ort from 'onnxruntime-node';
import { encodeModel, OnnxModel } from './codec';
import { chooseProvider, executionConfig, firstErrorLine, reportFallback, resolveAcceleratedPackage, type ExecutionConfig, type ProviderChoice } from './execution';

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A tensor as plain data: what feeds take and what runs give back. */
export interface TensorValue<T extends TensorData = TensorData> {
  data: T;
  dims: number[];
}

export interface SessionOptions {
  /** Threads for one operator (onnxruntime's intraOpNumThreads); default: the process-wide config's, else onnxruntime's choice (all cores). */
  threads?: number;
  /** One execution provider for this session, instead of the process-wide choice (a bench comparing providers). */
  provider?: string;
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

/** What a session actually runs on, so that results can name it. */
export interface SessionExecution extends ProviderChoice {
  /** intraOpNumThreads, or null for onnxruntime's choice. */
  threads: number | null;
}

let runtime: typeof Ort | undefined;

/** onnxruntime-node (the accelerator folder's copy when it holds one), loaded on first use so that code paths without inference never pay for it. */
export function onnxruntime(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load of the native module (see above)
  runtime ??= require(resolveAcceleratedPackage('onnxruntime-node')) as typeof Ort;
  return runtime;
}

/** onnxruntime's options for a session on `provider`; a GPU provider lists the CPU after it for the nodes it lacks kernels for. */
export function buildSessionOptions(provider: string, options: SessionOptions = {}, config: ExecutionConfig = executionConfig()): Ort.InferenceSession.SessionOptions {
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
    graphOptimizationLevel: options.optimization ?? 'all',
    // Warnings only restate facts of old exports (initializers listed as inputs); errors still surface as exceptions.
    logSeverityLevel: 3,
  };
  const threads = options.threads ?? (config.threads > 0 ? config.threads : undefined);
  if (threads !== undefined) {
    sessionOptions.intraOpNumThreads = threads;
    sessionOptions.interOpNumThreads = 1;
  }
  if (options.memoryPattern === false) sessionOptions.enableMemPattern = false;
  if (options.profilePrefix) {
    sessionOptions.enableProfiling = true;
    sessionOptions.profileFilePrefix = options.profilePrefix;
  }
  return sessionOptions;
}

const executions = new WeakMap<Ort.InferenceSession, SessionExecution>();

/** The provider a session created by createSession runs on, and the fallback message when it is not the one asked for. */
export function sessionExecution(session: Ort.InferenceSession): SessionExecution {
  const execution = executions.get(session);
  if (!execution) throw new Error('this session was not created by createSession');
  return execution;
}

/**
 * The one way sessions are created: on the provider the process-wide config chooses (see execution.ts), falling back
 * to the CPU, with a message to onProviderFallback's listeners and in sessionExecution, when a GPU provider fails.
 */
export async function createSession(model: OnnxModel | Uint8Array, options: SessionOptions = {}): Promise<Ort.InferenceSession> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const config = executionConfig();
  const choice: ProviderChoice = options.provider
    ? { provider: options.provider, requested: config.provider }
    : config.chosen ?? await chooseProvider(config.provider);
  if (choice.fallback) reportFallback(choice.fallback);
  const open = async (execution: ProviderChoice) => {
    const sessionOptions = buildSessionOptions(execution.provider, options, config);
    const session = await onnxruntime().InferenceSession.create(bytes, sessionOptions);
    executions.set(session, { ...execution, threads: sessionOptions.intraOpNumThreads ?? null });
    return session;
  };
  try {
    return await open(choice);
  } catch (error) {
    if (choice.provider === 'cpu') throw error;
    const fallback = `${choice.provider} could not open this model (${firstErrorLine(error)}); running on the CPU`;
    reportFallback(fallback);
    return open({ provider: 'cpu', requested: choice.requested, fallback });
  }
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
