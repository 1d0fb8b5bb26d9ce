import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnxruntime } from '../onnx/session';
import { loadOptionalPackage, loadTfjs } from '../tfjs/backend';
import { registerWasmBackpropKernels } from '../tfjs/kernels';
import { identityModelBytes } from './identity-model';
import type { GpuInfo, ProbeResult, RuntimeInfo } from './report';

export type { GpuInfo, ProbeResult, RuntimeInfo } from './report';
export { acceleratorAdvice, formatRuntimeInfo } from './report';

export const ONNX_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu'] as const;

type OrtModule = typeof import('onnxruntime-node');

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  let line = text.split('\n').find((part) => part.trim()) ?? text;
  // Native errors lead with a source location and an assertion; the reason follows "Failed to".
  const reason = line.indexOf('Failed to');
  if (reason > 0) line = line.slice(reason);
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

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
 * Why a provider that onnxruntime-node does not bundle (CUDA, TensorRT) cannot load: its library is not beside the
 * native binding (onnxruntime-node's install script downloads it). Checked before creating a session, because that
 * attempt prints onnxruntime's raw "Failed to load library" line to stderr.
 */
function missingProviderLibrary(ort: OrtModule, name: string): string | undefined {
  const backend = ort.listSupportedBackends?.().find((entry) => entry.name === name);
  if (!backend || backend.bundled) return undefined;
  const bindingDir = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const library = process.platform === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`;
  if (fs.existsSync(path.join(bindingDir, library))) return undefined;
  return `not installed: ${library} is missing (onnxruntime-node's install script downloads it)`;
}

/** Creates and runs the Identity model on each provider; a provider counts only if it computes the right value. */
export async function probeOnnxProviders(
  loadOrt: () => OrtModule = onnxruntime,
  providers: readonly string[] = ONNX_PROVIDERS,
): Promise<RuntimeInfo['onnxruntime']> {
  let ort: OrtModule;
  try {
    ort = loadOrt();
  } catch (error) {
    return { version: null, error: firstLine(error), providers: [] };
  }
  const model = identityModelBytes();
  const results: ProbeResult[] = [];
  for (const name of providers) {
    const missing = missingProviderLibrary(ort, name);
    if (missing) {
      results.push({ name, available: false, detail: missing });
      continue;
    }
    try {
      const value = await withTimeout(
        (async () => {
          const session = await ort.InferenceSession.create(model, { executionProviders: [name] });
          try {
            const output = await session.run({ x: new ort.Tensor('float32', Float32Array.of(42), [1]) });
            return (output.y.data as Float32Array)[0];
          } finally {
            await session.release();
          }
        })(),
        20000,
        `the ${name} execution provider`,
      );
      if (value !== 42) throw new Error(`Identity returned ${value} instead of 42`);
      results.push({ name, available: true, detail: 'initializes and runs' });
    } catch (error) {
      results.push({ name, available: false, detail: firstLine(error) });
    }
  }
  return { version: ort.env.versions.node ?? ort.env.versions.common ?? null, error: null, providers: results };
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

export const defaultTfjsLoaders: TfjsLoaders = { loadTfjs, loadBackendPackage: loadOptionalPackage };

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
    if (wasm.name === 'wasm' && wasm.available) wasm.detail += `; backprop kernels added: ${registerWasmBackpropKernels(tf).join(', ')}`;
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

export async function probeRuntime(): Promise<RuntimeInfo> {
  const onnxruntime = await probeOnnxProviders();
  const tfjs = await probeTfjsBackends();
  const gpu = await probeGpu();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, onnxruntime, tfjs, gpu };
}
