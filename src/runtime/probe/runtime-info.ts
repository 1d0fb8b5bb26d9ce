import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { identityModelBytes } from './identity-model';

/** Whether one execution provider / backend initializes, with its error when it does not. */
export interface ProbeResult {
  name: string;
  available: boolean;
  detail: string;
}

export interface GpuInfo {
  present: boolean;
  /** Where the answer came from: 'nvidia-smi', '/proc/driver/nvidia' or null when nothing was found. */
  source: string | null;
  detail: string;
}

export interface RuntimeInfo {
  node: string;
  platform: string;
  onnxruntime: { version: string | null; error: string | null; providers: ProbeResult[] };
  tfjs: { version: string | null; error: string | null; backends: ProbeResult[] };
  gpu: GpuInfo;
}

export const ONNX_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu'] as const;

type OrtModule = typeof import('onnxruntime-node');

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((part) => part.trim()) ?? text;
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

/** Creates and runs the Identity model on each provider; a provider counts only if it computes the right value. */
export async function probeOnnxProviders(
  loadOrt: () => OrtModule = () => require('onnxruntime-node'),
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

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

export const defaultTfjsLoaders: TfjsLoaders = {
  loadTfjs: () => require('@tensorflow/tfjs'),
  loadBackendPackage: (packageName) => (isInstalled(packageName) ? require(packageName) : undefined),
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
  } catch (error) {
    results.push({ name: 'wasm', available: false, detail: firstLine(error) });
  }
  await tryBackend('cpu', 'cpu');
  return { version: tf.version.tfjs ?? null, error: null, backends: results };
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
  const [onnxruntime, gpu] = [await probeOnnxProviders(), await probeGpu()];
  const tfjs = await probeTfjsBackends();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, onnxruntime, tfjs, gpu };
}

function isAvailable(results: ProbeResult[], name: string): boolean {
  return results.some((result) => result.available && result.name.startsWith(name));
}

/** For each accelerator that did not initialize, how a user gets it. */
export function acceleratorAdvice(info: RuntimeInfo): string[] {
  const advice: string[] = [];
  const ortProviders = info.onnxruntime.providers;
  if (info.onnxruntime.version === null) {
    advice.push(`onnxruntime-node does not load (${info.onnxruntime.error}): reinstall it with \`npm install onnxruntime-node\`.`);
  } else if (!isAvailable(ortProviders, 'cuda')) {
    advice.push(
      info.gpu.present
        ? 'onnxruntime CUDA: install CUDA 12 and cuDNN 9, then fetch onnxruntime-node\'s CUDA binaries with `npx onnxruntime-node-install --cuda` (or reinstall onnxruntime-node without ONNXRUNTIME_NODE_INSTALL=skip / onnxruntime-node-install=skip).'
        : 'onnxruntime CUDA: needs an NVIDIA GPU with its driver, CUDA 12 and onnxruntime-node\'s CUDA binaries (`npx onnxruntime-node-install --cuda`).',
    );
  }
  if (info.onnxruntime.version !== null && !isAvailable(ortProviders, 'webgpu')) {
    advice.push('onnxruntime WebGPU: needs a GPU with a Vulkan driver (Linux) or D3D12 / Metal; it is bundled with onnxruntime-node.');
  }
  if (info.tfjs.version === null) {
    advice.push(`@tensorflow/tfjs does not load (${info.tfjs.error}): reinstall it with \`npm install @tensorflow/tfjs\`.`);
  } else if (!isAvailable(info.tfjs.backends, 'tensorflow')) {
    advice.push(
      info.gpu.present
        ? 'tfjs native GPU backend: `npm install @tensorflow/tfjs-node-gpu` (needs CUDA and internet access to download libtensorflow).'
        : 'tfjs native CPU backend: `npm install @tensorflow/tfjs-node` (downloads libtensorflow, so it needs internet access).',
    );
  }
  if (info.tfjs.version !== null && !isAvailable(info.tfjs.backends, 'wasm')) {
    advice.push('tfjs wasm backend: `npm install @tensorflow/tfjs-backend-wasm` (its .wasm files must sit beside its dist/ files).');
  }
  return advice;
}

function describeResults(results: ProbeResult[]): string[] {
  return results.map((result) => `  ${result.available ? '✓' : '✗'} ${result.name}: ${result.detail}`);
}

/** The report shown by "CNN: Show Runtime Info" and printed by the CLI. */
export function formatRuntimeInfo(info: RuntimeInfo, preferences: Record<string, string | number> = {}): string {
  const lines = [`Node ${info.node} on ${info.platform}`];
  for (const [key, value] of Object.entries(preferences)) lines.push(`Setting ${key}: ${value}`);
  lines.push('', `onnxruntime-node ${info.onnxruntime.version ?? `not loaded: ${info.onnxruntime.error}`}`);
  lines.push(...describeResults(info.onnxruntime.providers));
  lines.push('', `TensorFlow.js ${info.tfjs.version ?? `not loaded: ${info.tfjs.error}`}`);
  lines.push(...describeResults(info.tfjs.backends));
  lines.push('', `GPU: ${info.gpu.present ? `${info.gpu.detail} (from ${info.gpu.source})` : info.gpu.detail}`);
  const advice = acceleratorAdvice(info);
  if (advice.length > 0) lines.push('', 'Missing accelerators and how to get them:', ...advice.map((line) => `  - ${line}`));
  return lines.join('\n');
}
