// What the runtime probe found, and how it reads: no runtime is loaded here, so the extension can import it freely.

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

/** The provider ONNX models run on under the settings, and why it is not the one asked for when it is not. */
export interface OnnxProviderInUse {
  provider: string;
  requested: string;
  fallback?: string;
  /** 0: onnxruntime's choice. */
  threads: number;
}

export interface RuntimeInfo {
  node: string;
  platform: string;
  onnxruntime: { version: string | null; error: string | null; providers: ProbeResult[]; inUse?: OnnxProviderInUse };
  /** chosen: the backend tfjs models run on (the first that works of tfjs-node-gpu, tfjs-node, wasm, cpu). */
  tfjs: { version: string | null; error: string | null; backends: ProbeResult[]; chosen?: string | null };
  gpu: GpuInfo;
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
  const inUse = info.onnxruntime.inUse;
  if (inUse) {
    const threads = inUse.threads > 0 ? `${inUse.threads} threads` : "onnxruntime's default threads";
    lines.push(`  ONNX models run on: ${inUse.provider} (setting ${inUse.requested}, ${threads})${inUse.fallback ? `; ${inUse.fallback}` : ''}`);
  }
  lines.push('', `TensorFlow.js ${info.tfjs.version ?? `not loaded: ${info.tfjs.error}`}`);
  lines.push(...describeResults(info.tfjs.backends));
  if (info.tfjs.chosen) lines.push(`  tfjs models run on: ${info.tfjs.chosen}`);
  lines.push('', `GPU: ${info.gpu.present ? `${info.gpu.detail} (from ${info.gpu.source})` : info.gpu.detail}`);
  const advice = acceleratorAdvice(info);
  if (advice.length > 0) lines.push('', 'Missing accelerators and how to get them:', ...advice.map((line) => `  - ${line}`));
  return lines.join('\n');
}
