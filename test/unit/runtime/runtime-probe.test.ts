import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../../src/runtime/onnx/codec';
import { identityModelBytes } from '../../../src/runtime/probe/identity-model';
import { acceleratorAdvice, formatRuntimeInfo, type RuntimeInfo } from '../../../src/runtime/probe/report';
import { probeGpu, probeOnnxProviders, probeTfjsBackends, type TfjsLoaders } from '../../../src/runtime/probe/runtime-info';
import { loadTfjs } from '../../../src/runtime/tfjs/backend';

function info(overrides: { ort?: Partial<RuntimeInfo['onnxruntime']>; tfjs?: Partial<RuntimeInfo['tfjs']>; gpu?: Partial<RuntimeInfo['gpu']> }): RuntimeInfo {
  return {
    node: 'v20.0.0',
    platform: 'linux-x64',
    onnxruntime: { version: '1.30.0', error: null, providers: [{ name: 'cpu', available: true, detail: 'initializes and runs' }], ...overrides.ort },
    tfjs: { version: '4.22.0', error: null, backends: [{ name: 'cpu', available: true, detail: 'initializes and runs' }], ...overrides.tfjs },
    gpu: { present: false, source: null, detail: 'no NVIDIA GPU found', ...overrides.gpu },
  };
}

describe('runtime probe', () => {
  it('builds a valid one-node Identity model that onnxruntime runs', async () => {
    const bytes = identityModelBytes();
    const model = decodeModel(bytes);
    assert.deepEqual(model.graph.node.map((node) => node.op_type), ['Identity']);
    const session = await ort.InferenceSession.create(bytes);
    const output = await session.run({ x: new ort.Tensor('float32', Float32Array.of(3.5), [1]) });
    assert.deepEqual(Array.from(output.y.data as Float32Array), [3.5]);
    await session.release();
  });

  it('finds that the CPU provider runs and CUDA, not bundled here, does not (with the reason)', async function () {
    if (ort.listSupportedBackends().some((backend) => backend.name === 'cuda' && backend.bundled)) this.skip();
    const result = await probeOnnxProviders(undefined, ['cpu', 'cuda']);
    assert.equal(result.version, ort.env.versions.node);
    assert.deepEqual(result.providers.map(({ name, available }) => ({ name, available })), [
      { name: 'cpu', available: true },
      { name: 'cuda', available: false },
    ]);
    // The probe runs in a child process; onnxruntime's own reason names the provider library it could not load.
    assert.match(result.providers[1].detail, /libonnxruntime_providers_(cuda|shared)\.so/);
  });

  it('probes without onnxruntime printing "Failed to load library" for a provider that is not installed', () => {
    // Native code writes that line straight to the process's stderr: only a child process can catch it.
    const script = `require(${JSON.stringify(require.resolve('../../unit/register.js'))});
      require(${JSON.stringify(require.resolve('../../../src/runtime/probe/runtime-info'))}).probeOnnxProviders(undefined, ['cpu', 'cuda', 'tensorrt'])
        .then((result) => console.log(JSON.stringify(result.providers.map((provider) => provider.available))));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), '[true,false,false]');
    assert.doesNotMatch(child.stderr, /Failed to load library|\[E:onnxruntime/);
  });

  it('reports a runtime that fails to load instead of throwing', async () => {
    const result = await probeOnnxProviders(() => {
      throw new Error("Cannot find module 'onnxruntime-node'");
    });
    assert.deepEqual(result, { version: null, error: "Cannot find module 'onnxruntime-node'", providers: [] });
  });

  it('initializes the tfjs cpu and wasm backends for real, and reports absent optional packages', async () => {
    const result = await probeTfjsBackends();
    const byName = new Map(result.backends.map((backend) => [backend.name, backend]));
    assert.equal(byName.get('cpu')?.available, true);
    assert.equal(byName.get('wasm')?.available, true, byName.get('wasm')?.detail);
    assert.ok(result.version?.startsWith('4.'));
    for (const packageName of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      let installed = true;
      try {
        require.resolve(packageName);
      } catch {
        installed = false;
      }
      if (!installed) assert.equal(byName.get(`tensorflow (${packageName})`)?.detail, 'not installed');
    }
  });

  it('does not count a backend that loads but fails to switch', async () => {
    const realTf = loadTfjs();
    const loaders: TfjsLoaders = {
      loadTfjs: () => realTf,
      loadBackendPackage: (name) => (name === '@tensorflow/tfjs-node' ? {} : undefined),
    };
    const result = await probeTfjsBackends(loaders);
    const tensorflow = result.backends.find((backend) => backend.name === 'tensorflow (@tensorflow/tfjs-node)');
    assert.equal(tensorflow?.available, false);
    assert.match(tensorflow!.detail, /tensorflow/);
  });

  it('detects an NVIDIA GPU from nvidia-smi, from /proc, or not at all', async () => {
    const fromSmi = await probeGpu(async () => 'NVIDIA H100 80GB HBM3, 550.54.15, 81559 MiB\n', () => undefined);
    assert.deepEqual(fromSmi, { present: true, source: 'nvidia-smi', detail: 'NVIDIA H100 80GB HBM3, 550.54.15, 81559 MiB' });
    const noSmi = async () => {
      throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    };
    const fromProc = await probeGpu(noSmi, (file) => (file === '/proc/driver/nvidia/version' ? 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\nGCC version' : undefined));
    assert.equal(fromProc.present, true);
    assert.equal(fromProc.source, '/proc/driver/nvidia');
    assert.match(fromProc.detail, /550\.54\.15/);
    const none = await probeGpu(noSmi, () => undefined);
    assert.equal(none.present, false);
  });

  it('advises how to get each missing accelerator, depending on whether a GPU is present', () => {
    const cpuOnly = acceleratorAdvice(info({}));
    assert.ok(cpuOnly.some((line) => line.includes('npx onnxruntime-node-install --cuda')));
    assert.ok(cpuOnly.some((line) => line.includes('@tensorflow/tfjs-node`')));
    assert.ok(cpuOnly.some((line) => line.startsWith('tfjs wasm backend')));

    const withGpu = acceleratorAdvice(info({ gpu: { present: true, source: 'nvidia-smi', detail: 'H100' } }));
    assert.ok(withGpu.some((line) => line.includes('@tensorflow/tfjs-node-gpu') && line.includes('CUDA')));
    assert.ok(withGpu.some((line) => line.includes('CUDA 12') && line.includes('ONNXRUNTIME_NODE_INSTALL=skip')));

    const everything = acceleratorAdvice(
      info({
        ort: { providers: ['cpu', 'cuda', 'webgpu'].map((name) => ({ name, available: true, detail: '' })) },
        tfjs: { backends: ['tensorflow (@tensorflow/tfjs-node-gpu)', 'wasm', 'cpu'].map((name) => ({ name, available: true, detail: '' })) },
        gpu: { present: true },
      }),
    );
    assert.deepEqual(everything, []);

    const broken = acceleratorAdvice(info({ ort: { version: null, error: 'dlopen failed', providers: [] } }));
    assert.ok(broken[0].includes('dlopen failed') && broken[0].includes('npm install onnxruntime-node'));
  });

  it('formats a report with versions, per-provider results, settings and the advice', () => {
    const report = formatRuntimeInfo(
      info({ ort: { providers: [{ name: 'cpu', available: true, detail: 'initializes and runs' }, { name: 'cuda', available: false, detail: 'Failed to load shared library' }] } }),
      { 'cnnStudio.executionProvider': 'auto' },
    );
    assert.match(report, /onnxruntime-node 1\.30\.0/);
    assert.match(report, /✓ cpu: initializes and runs/);
    assert.match(report, /✗ cuda: Failed to load shared library/);
    assert.match(report, /Setting cnnStudio\.executionProvider: auto/);
    assert.match(report, /Missing accelerators and how to get them:/);
  });
});
