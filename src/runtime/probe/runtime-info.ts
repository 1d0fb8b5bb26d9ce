import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { defaultBackendLoaders } from '../tfjs/backend';
import { registerWasmBackpropKernels } from '../tfjs/kernels';
import { firstErrorLine as firstLine, probeProvider, resolveAcceleratedPackage } from '../onnx/execution';
import { createSession, sessionExecution } from '../onnx/session';
import { identityModelBytes } from './identity-model';
import type { GpuInfo, OnnxProviderInUse, ProbeResult, RuntimeInfo } from './report';

export type { GpuInfo, OnnxProviderInUse, ProbeResult, RuntimeInfo } from './report';
export { acceleratorAdvice, formatRuntimeInfo } from './report';

export const ONNX_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu'] as const;

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates and runs the Identity model on each provider, each in its own child process (see probeProvider), so a
 * driver's stderr or crash stays there; a provider counts only if it computes the right value.
 */
export async function probeOnnxProviders(
  resolveOrt: () => string = () => resolveAcceleratedPackage('onnxruntime-node'),
  providers: readonly string[] = ONNX_PROVIDERS,
): Promise<RuntimeInfo['onnxruntime']> {
  let ortFile: string;
  try {
    ortFile = resolveOrt();
  } catch (error) {
    return { version: null, error: firstLine(error), providers: [] };
  }
  const probes = await Promise.all(providers.map((name) => probeProvider(name, ortFile)));
  const version = probes.find((probe) => probe.version !== null)?.version ?? null;
  if (version === null) return { version: null, error: probes[0]?.detail ?? 'onnxruntime-node did not load', providers: [] };
  return { version, error: null, providers: probes.map(({ name, available, detail }) => ({ name, available, detail })) };
}

type TfModule = typeof import('@tensorflow/tfjs');

/** Optional tfjs accelerators: loaded only when installed (they cannot be installed offline). */
export const OPTIONAL_TFJS_PACKAGES = [
  { backend: 'tensorflow', packageName: '@tensorflow/tfjs-node-gpu' },
  { backend: 'tensorflow', packageName: '@tensorflow/tfjs-node' },
] as const;

export interface TfjsLoaders {
  loadTfjs(): TfModule;
  /** Loads a backend package; undefined when it is not installed. */
  loadBackendPackage(packageName: string): unknown;
}

export const defaultTfjsLoaders: TfjsLoaders = {
  loadTfjs: defaultBackendLoaders.loadTfjs,
  loadBackendPackage: (packageName) => defaultBackendLoaders.loadPackage(packageName),
};

/** Switches tfjs to each backend and runs a tiny op there; a backend counts only if the op gives the right answer. */
export async function probeTfjsBackends(loaders: TfjsLoaders = defaultTfjsLoaders): Promise<RuntimeInfo['tfjs']> {
  let tf: TfModule;
  try {
    tf = loaders.loadTfjs();
  } catch (error) {
    return { version: null, error: firstLine(error), backends: [] };
  }
  const results: ProbeResult[] = [];
  const backendInUse = tf.engine().backendName;
  const tryBackend = async (name: string, label: string) => {
    try {
      const switched = await withTimeout(tf.setBackend(name), 20000, `the ${name} backend`);
      if (!switched || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') did not switch`);
      const sum = tf.tidy(() => tf.tensor1d([1, 2]).add(tf.scalar(40)).sum().dataSync()[0]);
      if (sum !== 83) throw new Error(`a test sum gave ${sum} instead of 83`);
      results.push({ name: label, available: true, detail: 'initializes and runs' });
    } catch (error) {
      results.push({ name: label, available: false, detail: firstLine(error) });
    }
  };

  for (const { backend, packageName } of OPTIONAL_TFJS_PACKAGES) {
    if (results.some((result) => result.available && result.name.startsWith(backend))) continue;
    let loaded: unknown;
    try {
      loaded = loaders.loadBackendPackage(packageName);
    } catch (error) {
      results.push({ name: `${backend} (${packageName})`, available: false, detail: firstLine(error) });
      continue;
    }
    if (loaded === undefined) {
      results.push({ name: `${backend} (${packageName})`, available: false, detail: 'not installed' });
    } else {
      await tryBackend(backend, `${backend} (${packageName})`);
    }
  }
  try {
    loaders.loadBackendPackage('@tensorflow/tfjs-backend-wasm');
    await tryBackend('wasm', 'wasm');
    const wasm = results[results.length - 1];
    if (wasm.name === 'wasm' && wasm.available) wasm.detail += `; ${registerWasmBackpropKernels(tf)}`;
  } catch (error) {
    results.push({ name: 'wasm', available: false, detail: firstLine(error) });
  }
  await tryBackend('cpu', 'cpu');
  if (backendInUse) await tf.setBackend(backendInUse);
  const chosen = results.find((result) => result.available)?.name ?? null;
  return { version: tf.version.tfjs ?? null, error: null, backends: results, chosen };
}

export type ExecFile = (command: string, args: string[]) => Promise<string>;

const execFileText: ExecFile = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });

/** Looks for an NVIDIA GPU: nvidia-smi first, then the kernel driver's /proc entry. */
export async function probeGpu(
  run: ExecFile = execFileText,
  readText: (file: string) => string | undefined = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
): Promise<GpuInfo> {
  try {
    const csv = await run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']);
    const gpus = csv.split('\n').map((line) => line.trim()).filter(Boolean);
    if (gpus.length > 0) return { present: true, source: 'nvidia-smi', detail: gpus.join('; ') };
  } catch {
    // No nvidia-smi on PATH, or it failed: the driver's /proc entry may still say more.
  }
  const driver = readText('/proc/driver/nvidia/version');
  if (driver) return { present: true, source: '/proc/driver/nvidia', detail: driver.split('\n')[0].trim() };
  return { present: false, source: null, detail: 'no NVIDIA GPU found (nvidia-smi and /proc/driver/nvidia absent)' };
}

/** The provider ONNX models run on under the process-wide config, as a session created the usual way reports it. */
export async function onnxProviderInUse(): Promise<OnnxProviderInUse> {
  const session = await createSession(identityModelBytes());
  try {
    const { provider, requested, fallback, threads } = sessionExecution(session);
    return { provider, requested, ...(fallback ? { fallback } : {}), threads: threads ?? 0 };
  } finally {
    await session.release();
  }
}

export async function probeRuntime(): Promise<RuntimeInfo> {
  const onnxruntime = await probeOnnxProviders();
  if (onnxruntime.version !== null) onnxruntime.inUse = await onnxProviderInUse();
  const tfjs = await probeTfjsBackends();
  const gpu = await probeGpu();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, onnxruntime, tfjs, gpu };
}
