import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { resolveAcceleratedPackage } from '../onnx/execution';
import { registerGradients } from './gradients';
import { CPU_REPLACED_KERNELS, registerWasmBackpropKernels, replaceKernels } from './kernels';

type TfModule = typeof Tf;

export interface BackendAttempt { name: string; ok: boolean; reason: string }
export interface TfjsBackendChoice { backend: string; tried: BackendAttempt[] }

/** Optional native accelerators, best first: loaded only when installed (their install needs the internet). */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

export interface BackendLoaders {
  loadTfjs(): TfModule;
  /** The package's exports, or undefined when require.resolve cannot find it. */
  loadPackage(packageName: string): unknown;
}

/** @tensorflow/tfjs, loaded on first use: it is external to the bundles and slow to load (esbuild.js). */
export function loadTfjs(): TfModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; an import would load tfjs at activation
  const tf = require('@tensorflow/tfjs') as TfModule;
  registerGradients(tf);
  return tf;
}

/** An optional package's exports (the accelerator folder's copy when it holds one), or undefined when it is absent. */
export function loadOptionalPackage(packageName: string): unknown {
  let file: string;
  try {
    file = resolveAcceleratedPackage(packageName);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the name is known only at run time
  return require(file);
}

export const defaultBackendLoaders: BackendLoaders = { loadTfjs, loadPackage: loadOptionalPackage };

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

/** Switches to the backend and checks a tiny op computes the right value there. */
async function switchTo(tf: TfModule, name: string): Promise<void> {
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') did not switch`);
  const sum = tf.tidy(() => tf.tensor1d([1, 2]).add(tf.scalar(40)).sum().dataSync()[0]);
  if (sum !== 83) throw new Error(`a test sum gave ${sum} instead of 83`);
}

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/** The wasm binaries ship inside the package; pointing at them keeps tfjs from fetching them. */
function wasmDirectory(): string {
  return `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}${path.sep}dist${path.sep}`;
}

async function tryWasm(tf: TfModule, loaders: BackendLoaders): Promise<string> {
  const wasm = loaders.loadPackage('@tensorflow/tfjs-backend-wasm') as WasmModule | undefined;
  if (!wasm) throw new Error('not installed');
  if (tf.engine().registry.wasm === undefined) wasm.setWasmPaths(wasmDirectory());
  await switchTo(tf, 'wasm');
  return `initializes and runs; ${registerWasmBackpropKernels(tf)}`;
}

let chosen: Promise<TfjsBackendChoice> | undefined;

/**
 * Picks the best working tfjs backend: tfjs-node-gpu, tfjs-node, wasm (plus the backprop kernels it lacks or gets wrong), cpu.
 * Done once per process; later calls return the first answer.
 */
export function initTfjsBackend(loaders: BackendLoaders = defaultBackendLoaders): Promise<TfjsBackendChoice> {
  chosen ??= chooseTfjsBackend(loaders);
  return chosen;
}

export async function chooseTfjsBackend(loaders: BackendLoaders = defaultBackendLoaders): Promise<TfjsBackendChoice> {
  const tf = loaders.loadTfjs();
  const tried: BackendAttempt[] = [];
  for (const packageName of NATIVE_PACKAGES) {
    try {
      if (loaders.loadPackage(packageName) === undefined) {
        tried.push({ name: packageName, ok: false, reason: 'not installed' });
        continue;
      }
      await switchTo(tf, 'tensorflow');
      tried.push({ name: packageName, ok: true, reason: 'initializes and runs' });
      return { backend: 'tensorflow', tried };
    } catch (error) {
      tried.push({ name: packageName, ok: false, reason: reasonOf(error) });
    }
  }
  try {
    tried.push({ name: 'wasm', ok: true, reason: await tryWasm(tf, loaders) });
    return { backend: 'wasm', tried };
  } catch (error) {
    tried.push({ name: 'wasm', ok: false, reason: reasonOf(error) });
  }
  await switchTo(tf, 'cpu');
  tried.push({ name: 'cpu', ok: true, reason: `initializes and runs; replaced: ${replaceKernels(tf, 'cpu', CPU_REPLACED_KERNELS).join(', ')}` });
  return { backend: 'cpu', tried };
}
