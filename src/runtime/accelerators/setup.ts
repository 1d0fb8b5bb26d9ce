// "Set Up GPU Acceleration": what this machine has, which optional accelerators fit it, installing them into a
// folder of their own (never the extension's node_modules), and what to download by hand when there is no network.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { probeGpu, type ExecFile } from '../probe/runtime-info';
import { probeProvider } from '../onnx/execution';
import type { GpuInfo, ProbeResult } from '../probe/report';

export interface SharedLibrary {
  name: string;
  /** What needs it. */
  neededBy: string;
  found: boolean;
}

export interface MachineReport {
  platform: string;
  gpu: GpuInfo;
  /** The highest CUDA version the driver supports (nvidia-smi's header), or null. */
  cudaVersion: string | null;
  vulkan: { present: boolean; detail: string };
  /** CUDA and cuDNN libraries the GPU packages load, as the dynamic linker sees them. */
  libraries: SharedLibrary[];
}

/** onnxruntime-node 1.2x's CUDA provider is built for CUDA 12 and cuDNN 9; tfjs-node-gpu 4.x for CUDA 11.2 and cuDNN 8. */
const GPU_LIBRARIES: Omit<SharedLibrary, 'found'>[] = [
  { name: 'libcudart.so.12', neededBy: 'onnxruntime CUDA' },
  { name: 'libcublasLt.so.12', neededBy: 'onnxruntime CUDA' },
  { name: 'libcudnn.so.9', neededBy: 'onnxruntime CUDA' },
  { name: 'libcudart.so.11.0', neededBy: 'tfjs-node-gpu' },
  { name: 'libcudnn.so.8', neededBy: 'tfjs-node-gpu' },
];

const execFileText: ExecFile = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15000, maxBuffer: 4 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });

async function tryRun(run: ExecFile, command: string, args: string[]): Promise<string | undefined> {
  try {
    return await run(command, args);
  } catch {
    return undefined;
  }
}

/** Reads the machine with the tools it has: nvidia-smi, vulkaninfo, ldconfig (each optional). */
export async function describeMachine(run: ExecFile = execFileText, readText?: (file: string) => string | undefined): Promise<MachineReport> {
  const gpu = await probeGpu(run, readText);
  const smi = gpu.source === 'nvidia-smi' ? await tryRun(run, 'nvidia-smi', []) : undefined;
  const cudaVersion = smi ? /CUDA Version:\s*([\d.]+)/.exec(smi)?.[1] ?? null : null;
  const vulkanText = await tryRun(run, 'vulkaninfo', ['--summary']);
  const devices = vulkanText ? [...vulkanText.matchAll(/deviceName\s*=\s*(.+)/g)].map((match) => match[1].trim()) : [];
  const vulkan = vulkanText === undefined
    ? { present: false, detail: 'vulkaninfo not found (install vulkan-tools to check; WebGPU on Linux runs over Vulkan)' }
    : { present: devices.length > 0, detail: devices.length > 0 ? devices.join('; ') : 'vulkaninfo lists no device' };
  const linked = process.platform === 'linux' ? await tryRun(run, 'ldconfig', ['-p']) ?? await tryRun(run, '/sbin/ldconfig', ['-p']) : undefined;
  const libraries = GPU_LIBRARIES.map((library) => ({ ...library, found: linked?.includes(library.name) ?? false }));
  return { platform: `${process.platform}-${process.arch}`, gpu, cudaVersion, vulkan, libraries };
}

export function formatMachineReport(machine: MachineReport): string[] {
  const lines = [`Platform: ${machine.platform}`];
  lines.push(`NVIDIA GPU: ${machine.gpu.present ? `${machine.gpu.detail} (from ${machine.gpu.source})` : machine.gpu.detail}`);
  if (machine.gpu.present) lines.push(`CUDA version the driver supports: ${machine.cudaVersion ?? 'unknown'}`);
  lines.push(`Vulkan: ${machine.vulkan.detail}`);
  if (machine.gpu.present) {
    lines.push('GPU libraries:');
    for (const library of machine.libraries) lines.push(`  ${library.found ? '✓' : '✗'} ${library.name} (for ${library.neededBy})`);
  }
  return lines;
}

/** An npm package to install into the accelerator folder, and how. */
export interface AcceleratorPackage {
  packageName: string;
  version: string;
  /** Environment for npm: onnxruntime-node's install script fetches its CUDA binaries only when asked. */
  env: Record<string, string>;
  purpose: string;
  /** What the install downloads besides the npm registry, for the offline instructions. */
  downloads: string;
}

export interface BundledVersions {
  onnxruntime: string;
  tfjs: string;
}

/** The bundled package versions: accelerators must match them (the tfjs backend registers into the same engine). */
export function bundledVersions(): BundledVersions {
  const version = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  return { onnxruntime: version('onnxruntime-node'), tfjs: version('@tensorflow/tfjs') };
}

/** What fits this machine: with an NVIDIA GPU on Linux x64, onnxruntime's CUDA provider and tfjs-node-gpu; else tfjs-node. */
export function acceleratorPackages(machine: MachineReport, versions: BundledVersions): AcceleratorPackage[] {
  const packages: AcceleratorPackage[] = [];
  const nvidia = machine.gpu.present && machine.platform === 'linux-x64';
  if (nvidia) {
    packages.push({
      packageName: 'onnxruntime-node',
      version: versions.onnxruntime,
      env: { ONNXRUNTIME_NODE_INSTALL_CUDA: 'v12' },
      purpose: 'onnxruntime CUDA execution provider (ONNX inference, Grad-CAM, training on the GPU)',
      downloads: `Microsoft.ML.OnnxRuntime.Gpu.Linux ${versions.onnxruntime} from nuget.org (https://www.nuget.org/api/v2/package/Microsoft.ML.OnnxRuntime.Gpu.Linux/${versions.onnxruntime}); its runtimes/linux-x64/native/libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so go to node_modules/onnxruntime-node/bin/napi-v6/linux/x64/`,
    });
  }
  const tfjsNative = nvidia ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  packages.push({
    packageName: tfjsNative,
    version: versions.tfjs,
    env: {},
    purpose: nvidia ? 'TensorFlow.js models on the GPU (libtensorflow with CUDA)' : 'TensorFlow.js models on native libtensorflow (CPU)',
    downloads: `libtensorflow and the ${tfjsNative} binding from storage.googleapis.com (the package's install script fetches them)`,
  });
  return packages;
}

/** npm's arguments to install one package into `dir` (its own package.json-less prefix). */
export function installArguments(dir: string, pkg: AcceleratorPackage): string[] {
  return ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', `${pkg.packageName}@${pkg.version}`];
}

/** The environment for npm: the package's own flags, and none inherited that would skip its binary download. */
export function installEnvironment(pkg: AcceleratorPackage, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!/^(npm_config_onnxruntime|ONNXRUNTIME_NODE_INSTALL)/i.test(key)) env[key] = value;
  }
  return { ...env, ...pkg.env };
}

/** Whether npm's registry answers (the installs need it and the sites the packages download from). */
export function registryReachable(url = 'https://registry.npmjs.org/onnxruntime-node', timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.request(url, { method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}

export type RunCommand = (command: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) => Promise<number>;

/** Runs a command and streams its output lines; resolves with its exit code (127 when it cannot start). */
export const runCommand: RunCommand = (command, args, env, onLine) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env, shell: process.platform === 'win32' });
    const split = (chunk: Buffer) => chunk.toString().split(/\r?\n/).filter((line) => line.trim()).forEach(onLine);
    child.stdout.on('data', split);
    child.stderr.on('data', split);
    child.on('error', (error) => {
      onLine(error.message);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });

export interface InstallOutcome {
  packageName: string;
  ok: boolean;
  detail: string;
}

/** Installs each package into `dir` with npm, one after the other, streaming npm's output. */
export async function installAccelerators(dir: string, packages: AcceleratorPackage[], onLine: (line: string) => void, run: RunCommand = runCommand): Promise<InstallOutcome[]> {
  fs.mkdirSync(dir, { recursive: true });
  const outcomes: InstallOutcome[] = [];
  for (const pkg of packages) {
    onLine(`npm ${installArguments(dir, pkg).join(' ')}${Object.keys(pkg.env).length ? ` (with ${Object.entries(pkg.env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`);
    const code = await run('npm', installArguments(dir, pkg), installEnvironment(pkg), onLine);
    outcomes.push({ packageName: pkg.packageName, ok: code === 0, detail: code === 0 ? 'installed' : code === 127 ? 'npm is not on PATH' : `npm exited with code ${code}` });
  }
  return outcomes;
}

/** Where a package installed in `dir` lives, or undefined. */
export function installedIn(dir: string, packageName: string): string | undefined {
  const folder = path.join(dir, 'node_modules', ...packageName.split('/'));
  return fs.existsSync(path.join(folder, 'package.json')) ? folder : undefined;
}

/** Exactly what to fetch on a machine with internet, and where it goes here, for each package. */
export function offlineInstructions(dir: string, packages: AcceleratorPackage[]): string[] {
  const lines: string[] = [];
  for (const pkg of packages) {
    const env = Object.entries(pkg.env).map(([key, value]) => `${key}=${value} `).join('');
    lines.push(`${pkg.packageName}@${pkg.version}: ${pkg.purpose}.`);
    lines.push(`  On a machine with internet (same OS and architecture): ${env}npm install --prefix accelerators ${pkg.packageName}@${pkg.version}`);
    lines.push(`  (it downloads ${pkg.downloads}),`);
    lines.push(`  then copy accelerators/node_modules into ${path.join(dir, 'node_modules')} here and run this command again to verify.`);
  }
  return lines;
}

/** Runs the one-node model on onnxruntime's CUDA provider from the copy installed in `dir` (in a child process). */
export async function verifyOnnxCuda(dir: string): Promise<ProbeResult> {
  const folder = installedIn(dir, 'onnxruntime-node');
  if (!folder) return { name: 'cuda', available: false, detail: `onnxruntime-node is not installed in ${dir}` };
  const { name, available, detail } = await probeProvider('cuda', require.resolve(folder));
  return { name, available, detail };
}
