// Which execution provider onnxruntime sessions run on, decided once per process (see createSession in session.ts).
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { identityModelBytes } from '../probe/identity-model';
import type { ProbeResult } from '../probe/report';

export type ExecutionProviderPreference = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export const EXECUTION_PROVIDER_PREFERENCES: readonly ExecutionProviderPreference[] = ['auto', 'cpu', 'cuda', 'webgpu'];

/** What `auto` tries, best first; the CPU provider is bundled everywhere, so it is the last resort. */
export const AUTO_PROVIDER_ORDER = ['cuda', 'webgpu', 'cpu'] as const;

export interface ExecutionConfig {
  provider: ExecutionProviderPreference;
  /** Threads for one operator on the CPU; 0 lets onnxruntime choose (all cores). */
  threads: number;
  /**
   * A folder whose node_modules holds optional accelerators (onnxruntime-node with its CUDA binaries, tfjs-node,
   * tfjs-node-gpu), installed by "CNN: Set Up GPU Acceleration"; packages found there are loaded instead of the bundled ones.
   */
  acceleratorDir?: string;
  /** The provider already chosen for `provider` by the process that started this one, so workers do not probe again. */
  chosen?: ProviderChoice;
}

export const DEFAULT_EXECUTION: ExecutionConfig = { provider: 'cpu', threads: 0 };

let current: ExecutionConfig = DEFAULT_EXECUTION;

/** Checks a config that came from outside (settings, a worker's input, CLI flags); names the bad field. */
export function parseExecutionConfig(value: unknown): ExecutionConfig {
  if (typeof value !== 'object' || value === null) throw new Error('execution config must be an object');
  const { provider, threads, acceleratorDir } = value as Record<string, unknown>;
  if (!EXECUTION_PROVIDER_PREFERENCES.includes(provider as ExecutionProviderPreference)) {
    throw new Error(`execution provider must be one of ${EXECUTION_PROVIDER_PREFERENCES.join(', ')} (got ${JSON.stringify(provider)})`);
  }
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 0 || threads > 256) {
    throw new Error(`threads must be an integer from 0 (onnxruntime's choice) to 256 (got ${JSON.stringify(threads)})`);
  }
  if (acceleratorDir !== undefined && typeof acceleratorDir !== 'string') throw new Error('acceleratorDir must be a folder path');
  const config: ExecutionConfig = { provider: provider as ExecutionProviderPreference, threads, ...(acceleratorDir ? { acceleratorDir } : {}) };
  const { chosen } = value as { chosen?: Partial<ProviderChoice> };
  if (chosen !== undefined) {
    if (chosen.requested !== config.provider || typeof chosen.provider !== 'string' || !AUTO_PROVIDER_ORDER.includes(chosen.provider as never)) {
      throw new Error(`the chosen provider ${JSON.stringify(chosen)} does not answer the preference ${config.provider}`);
    }
    config.chosen = { provider: chosen.provider, requested: config.provider, ...(typeof chosen.fallback === 'string' ? { fallback: chosen.fallback } : {}) };
  }
  return config;
}

/** Sets the process-wide config every later session follows (the extension from its settings, workers from their input, the CLI from its flags). */
export function setExecutionConfig(config: ExecutionConfig): void {
  current = parseExecutionConfig(config);
}

/** A job's input may carry the execution config its sessions follow (the extension adds the user's settings). */
export function applyJobExecution(input: unknown): void {
  const execution = typeof input === 'object' && input !== null ? (input as { execution?: unknown }).execution : undefined;
  if (execution !== undefined) setExecutionConfig(parseExecutionConfig(execution));
}

export function executionConfig(): ExecutionConfig {
  return current;
}

/** Where a package loads from: the accelerator folder when it holds it, else the bundled node_modules. */
export function resolveAcceleratedPackage(packageName: string, config: ExecutionConfig = current): string {
  if (config.acceleratorDir) {
    try {
      return require.resolve(packageName, { paths: [config.acceleratorDir] });
    } catch {
      // Not installed there: the bundled copy serves.
    }
  }
  return require.resolve(packageName);
}

/** Shortens a native error to its reason: they lead with a source location and an assertion. */
export function firstErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  let line = text.split('\n').find((part) => part.trim()) ?? text;
  const reason = line.indexOf('Failed to');
  if (reason > 0) line = line.slice(reason);
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

// Runs in a separate Node process: a GPU driver that prints to stderr (onnxruntime's "Failed to load library" line),
// hangs or crashes takes only this process with it. argv: onnxruntime-node's entry file, the model as base64, the provider.
const PROBE_SCRIPT = `
const [ortFile, modelBase64, provider] = process.argv.slice(1);
const ort = require(ortFile);
const version = ort.env.versions.node ?? ort.env.versions.common ?? null;
const answer = (result) => process.stdout.write(JSON.stringify({ version, ...result }));
(async () => {
  const session = await ort.InferenceSession.create(Buffer.from(modelBase64, 'base64'), { executionProviders: [provider], logSeverityLevel: 3 });
  try {
    const output = await session.run({ x: new ort.Tensor('float32', Float32Array.of(42), [1]) });
    const value = output.y.data[0];
    answer(value === 42 ? { available: true } : { available: false, error: 'Identity returned ' + value + ' instead of 42' });
  } finally {
    await session.release();
  }
})().catch((error) => answer({ available: false, error: String(error && error.message || error) }));
`;

/** The reason a native library did not load, from onnxruntime's stderr ("... with error: libX.so: cannot open ..."). */
function libraryReason(stderr: string): string | undefined {
  const match = /Failed to load library .*? with error: ([^\n]*)/.exec(stderr);
  if (!match) return undefined;
  const reason = match[1].trim();
  return path.basename(reason.split(':')[0]) + reason.slice(reason.indexOf(':'));
}

/**
 * Creates and runs a one-node model on one provider in a child process, with its stderr captured (so onnxruntime's
 * raw error lines never reach the user's terminal); a provider counts only if it computes the right value.
 */
export function probeProvider(name: string, ortFile: string = resolveAcceleratedPackage('onnxruntime-node'), timeoutMs = 20000): Promise<ProbeResult & { version: string | null }> {
  return new Promise((resolve) => {
    const args = ['-e', PROBE_SCRIPT, ortFile, Buffer.from(identityModelBytes()).toString('base64'), name];
    // Inside VS Code's Electron extension host, execPath is Electron: this makes it run as plain Node.
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    execFile(process.execPath, args, { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      let answer: { version: string | null; available: boolean; error?: string } | undefined;
      try {
        answer = JSON.parse(stdout);
      } catch {
        answer = undefined;
      }
      if (!answer) {
        const reason = error && (error as { killed?: boolean }).killed ? `did not answer within ${timeoutMs} ms` : firstErrorLine(stderr.trim() || error || 'no answer');
        resolve({ name, available: false, detail: reason, version: null });
        return;
      }
      if (answer.available) {
        resolve({ name, available: true, detail: 'initializes and runs', version: answer.version });
        return;
      }
      const library = libraryReason(stderr);
      const detail = firstErrorLine(answer.error ?? 'failed');
      resolve({ name, available: false, detail: library ? `${detail} (${library})` : detail, version: answer.version });
    });
  });
}

const probes = new Map<string, Promise<ProbeResult>>();

/** probeProvider, once per provider and onnxruntime copy for the life of this process. */
export function probeProviderOnce(name: string): Promise<ProbeResult> {
  const ortFile = resolveAcceleratedPackage('onnxruntime-node');
  const key = `${name}\n${ortFile}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = probeProvider(name, ortFile);
    probes.set(key, probe);
  }
  return probe;
}

/** The provider a session is created on, and why it is not the one asked for when it is not. */
export interface ProviderChoice {
  provider: string;
  requested: ExecutionProviderPreference;
  /** Set when a GPU provider was asked for (or probed by auto) and failed: what failed, shown to the user. */
  fallback?: string;
}

/**
 * Turns a preference into a provider that initializes here: `auto` is the first of CUDA, WebGPU, CPU whose probe
 * passes; an explicit GPU provider whose probe fails falls back to the CPU with a message.
 */
export async function chooseProvider(preference: ExecutionProviderPreference, probe: (name: string) => Promise<ProbeResult> = probeProviderOnce): Promise<ProviderChoice> {
  if (preference === 'cpu') return { provider: 'cpu', requested: preference };
  if (preference === 'auto') {
    const gpus = AUTO_PROVIDER_ORDER.filter((name) => name !== 'cpu');
    const results = await Promise.all(gpus.map((name) => probe(name)));
    const first = results.find((result) => result.available);
    return { provider: first?.name ?? 'cpu', requested: preference };
  }
  const result = await probe(preference);
  if (result.available) return { provider: preference, requested: preference };
  return { provider: 'cpu', requested: preference, fallback: `${preference} did not initialize (${result.detail}); running on the CPU` };
}

export type FallbackListener = (message: string) => void;

const fallbackListeners = new Set<FallbackListener>();

/** Hears every fallback from a GPU provider to the CPU (the CLI prints them, the extension logs them). */
export function onProviderFallback(listener: FallbackListener): () => void {
  fallbackListeners.add(listener);
  return () => fallbackListeners.delete(listener);
}

export function reportFallback(message: string): void {
  for (const listener of fallbackListeners) listener(message);
}
