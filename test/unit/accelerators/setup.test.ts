import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  acceleratorPackages, bundledVersions, describeMachine, formatMachineReport, installAccelerators, installEnvironment,
  offlineInstructions, verifyOnnxCuda, type MachineReport,
} from '../../../src/runtime/accelerators/setup';
import type { ExecFile } from '../../../src/runtime/probe/runtime-info';

const NVIDIA_SMI_HEADER = `+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+`;

/** A machine's tools as canned answers; a command not listed is not installed. */
function tools(answers: Record<string, string>): ExecFile {
  return async (command, args) => {
    const answer = answers[[command, ...args].join(' ')];
    if (answer === undefined) throw Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' });
    return answer;
  };
}

const gpuMachine = (): Promise<MachineReport> => describeMachine(tools({
  'nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader': 'NVIDIA H200, 550.54.15, 143771 MiB\n',
  'nvidia-smi': NVIDIA_SMI_HEADER,
  'vulkaninfo --summary': 'Devices:\n========\nGPU0:\n\tdeviceName         = NVIDIA H200\n',
  'ldconfig -p': '\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.12\n\tlibcublasLt.so.12 (libc6,x86-64) => /x\n',
}), () => undefined);

describe('GPU acceleration setup', () => {
  it('reads the GPU, the CUDA version the driver supports, Vulkan devices and the CUDA libraries present', async () => {
    const machine = await gpuMachine();
    assert.equal(machine.gpu.detail, 'NVIDIA H200, 550.54.15, 143771 MiB');
    assert.equal(machine.cudaVersion, '12.4');
    assert.deepEqual(machine.vulkan, { present: true, detail: 'NVIDIA H200' });
    const found = Object.fromEntries(machine.libraries.map((library) => [library.name, library.found]));
    assert.deepEqual(found, { 'libcudart.so.12': true, 'libcublasLt.so.12': true, 'libcudnn.so.9': false, 'libcudart.so.11.0': false, 'libcudnn.so.8': false });
    const text = formatMachineReport(machine).join('\n');
    assert.match(text, /CUDA version the driver supports: 12\.4/);
    assert.match(text, /✗ libcudnn\.so\.9 \(for onnxruntime CUDA\)/);
  });

  it('says so when a machine has no GPU tools at all', async () => {
    const machine = await describeMachine(tools({}), () => undefined);
    assert.equal(machine.gpu.present, false);
    assert.equal(machine.cudaVersion, null);
    assert.match(machine.vulkan.detail, /vulkaninfo not found/);
  });

  it('picks onnxruntime CUDA and tfjs-node-gpu for an NVIDIA Linux machine, tfjs-node for one without a GPU, at the bundled versions', async () => {
    const versions = bundledVersions();
    assert.match(versions.onnxruntime, /^\d+\.\d+\.\d+$/);
    const withGpu = { ...(await gpuMachine()), platform: 'linux-x64' };
    const packages = acceleratorPackages(withGpu, versions);
    assert.deepEqual(packages.map((pkg) => `${pkg.packageName}@${pkg.version}`), [`onnxruntime-node@${versions.onnxruntime}`, `@tensorflow/tfjs-node-gpu@${versions.tfjs}`]);
    assert.deepEqual(packages[0].env, { ONNXRUNTIME_NODE_INSTALL_CUDA: 'v12' });
    const withoutGpu = await describeMachine(tools({}), () => undefined);
    assert.deepEqual(acceleratorPackages(withoutGpu, versions).map((pkg) => pkg.packageName), ['@tensorflow/tfjs-node']);
  });

  it('asks npm for the CUDA binaries even when the environment says to skip them', async () => {
    const [ort] = acceleratorPackages({ ...(await gpuMachine()), platform: 'linux-x64' }, { onnxruntime: '1.30.0', tfjs: '4.22.0' });
    const env = installEnvironment(ort, { PATH: '/bin', ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_onnxruntime_node_install: 'skip' });
    assert.deepEqual(env, { PATH: '/bin', ONNXRUNTIME_NODE_INSTALL_CUDA: 'v12' });
  });

  it('installs each package into its own folder with npm and reports each outcome', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-accelerators-'));
    try {
      const calls: string[][] = [];
      const packages = acceleratorPackages({ ...(await gpuMachine()), platform: 'linux-x64' }, { onnxruntime: '1.30.0', tfjs: '4.22.0' });
      const outcomes = await installAccelerators(dir, packages, () => undefined, async (command, args, env) => {
        calls.push([command, ...args, env.ONNXRUNTIME_NODE_INSTALL_CUDA ?? '-']);
        return args.at(-1)!.startsWith('onnxruntime') ? 0 : 1;
      });
      assert.deepEqual(calls[0], ['npm', 'install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', 'onnxruntime-node@1.30.0', 'v12']);
      assert.deepEqual(outcomes.map((outcome) => [outcome.packageName, outcome.ok, outcome.detail]), [
        ['onnxruntime-node', true, 'installed'], ['@tensorflow/tfjs-node-gpu', false, 'npm exited with code 1'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offline, names what to download and where it goes', async () => {
    const packages = acceleratorPackages({ ...(await gpuMachine()), platform: 'linux-x64' }, { onnxruntime: '1.30.0', tfjs: '4.22.0' });
    const text = offlineInstructions('/home/u/.storage/accelerators', packages).join('\n');
    assert.match(text, /ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm install --prefix accelerators onnxruntime-node@1\.30\.0/);
    assert.match(text, /nuget\.org\/api\/v2\/package\/Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux\/1\.30\.0/);
    assert.match(text, /copy accelerators\/node_modules into \/home\/u\/\.storage\/accelerators\/node_modules/);
  });

  it('verifies CUDA only from an installed copy: an empty folder says what is missing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-accelerators-'));
    try {
      const result = await verifyOnnxCuda(dir);
      assert.equal(result.available, false);
      assert.equal(result.detail, `onnxruntime-node is not installed in ${dir}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies the installed copy for real: one without the CUDA binaries fails with the missing library named', async function () {
    const ort = // eslint-disable-next-line @typescript-eslint/no-require-imports -- a test reads the package directly
    require('onnxruntime-node') as typeof import('onnxruntime-node');
    if (ort.listSupportedBackends().some((backend) => backend.name === 'cuda' && backend.bundled)) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-accelerators-'));
    try {
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(path.dirname(require.resolve('onnxruntime-node/package.json')), path.join(dir, 'node_modules', 'onnxruntime-node'));
      const result = await verifyOnnxCuda(dir);
      assert.equal(result.available, false);
      assert.match(result.detail, /Failed to load.*libonnxruntime_providers_shared\.so/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
