import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { takeExecutionFlags } from '../../../src/runtime/cli/execution-flags';
import {
  chooseProvider, DEFAULT_EXECUTION, onProviderFallback, parseExecutionConfig, probeProvider, setExecutionConfig, type ExecutionConfig,
} from '../../../src/runtime/onnx/execution';
import { buildSessionOptions, createSession, runSession, sessionExecution } from '../../../src/runtime/onnx/session';
import { identityModelBytes } from '../../../src/runtime/probe/identity-model';
import { formatRuntimeInfo, type RuntimeInfo } from '../../../src/runtime/probe/report';
import { onnxProviderInUse } from '../../../src/runtime/probe/runtime-info';
import { sharedImage, sharedModel } from '../helpers/shared';

const root = path.resolve(__dirname, '../../..');
const cudaBundled = ort.listSupportedBackends().some((backend) => backend.name === 'cuda' && backend.bundled);
const probeAnswers = (available: string[]) => async (name: string) => ({ name, available: available.includes(name), detail: available.includes(name) ? 'initializes and runs' : `${name} is absent` });

describe('execution providers', () => {
  afterEach(() => setExecutionConfig(DEFAULT_EXECUTION));

  describe('the session options builder', () => {
    it('puts the CPU provider alone, and the config threads, into onnxruntime options', () => {
      const options = buildSessionOptions('cpu', {}, { provider: 'cpu', threads: 3 });
      assert.deepEqual(options.executionProviders, ['cpu']);
      assert.equal(options.intraOpNumThreads, 3);
      assert.equal(options.interOpNumThreads, 1);
    });

    it('lists the CPU after a GPU provider, lets a session override threads, and leaves 0 threads to onnxruntime', () => {
      assert.deepEqual(buildSessionOptions('cuda', {}, DEFAULT_EXECUTION).executionProviders, ['cuda', 'cpu']);
      assert.equal(buildSessionOptions('cpu', { threads: 1 }, { provider: 'cpu', threads: 4 }).intraOpNumThreads, 1);
      assert.equal(buildSessionOptions('cpu', {}, { provider: 'cpu', threads: 0 }).intraOpNumThreads, undefined);
    });
  });

  describe('choosing a provider', () => {
    it('auto takes the first of CUDA, WebGPU, CPU whose probe passes', async () => {
      assert.deepEqual(await chooseProvider('auto', probeAnswers(['cuda', 'webgpu', 'cpu'])), { provider: 'cuda', requested: 'auto' });
      assert.deepEqual(await chooseProvider('auto', probeAnswers(['webgpu', 'cpu'])), { provider: 'webgpu', requested: 'auto' });
      assert.deepEqual(await chooseProvider('auto', probeAnswers(['cpu'])), { provider: 'cpu', requested: 'auto' });
    });

    it('an explicit GPU provider that fails its probe falls back to the CPU with the reason', async () => {
      const choice = await chooseProvider('webgpu', probeAnswers(['cpu']));
      assert.equal(choice.provider, 'cpu');
      assert.equal(choice.fallback, 'webgpu did not initialize (webgpu is absent); running on the CPU');
    });

    it('probes in a child process: the CPU runs, CUDA (not bundled here) fails with the missing library named', async function () {
      if (cudaBundled) this.skip();
      const [cpu, cuda] = await Promise.all([probeProvider('cpu'), probeProvider('cuda')]);
      assert.equal(cpu.available, true, cpu.detail);
      assert.equal(cpu.version, ort.env.versions.node);
      assert.equal(cuda.available, false);
      assert.match(cuda.detail, /Failed to load/);
    });
  });

  describe('createSession under the process-wide config', () => {
    it('`cpu` with 2 threads reaches the session, which runs', async () => {
      setExecutionConfig({ provider: 'cpu', threads: 2 });
      const session = await createSession(identityModelBytes());
      assert.deepEqual(sessionExecution(session), { provider: 'cpu', requested: 'cpu', threads: 2 });
      const { y } = await runSession(session, { x: { data: Float32Array.of(7), dims: [1] } });
      assert.deepEqual(Array.from(y.data as Float32Array), [7]);
      await session.release();
    });

    it('`auto` reaches the session on the provider the probe chose (the CPU on a machine without a GPU provider)', async () => {
      setExecutionConfig({ provider: 'auto', threads: 1 });
      const expected = await chooseProvider('auto');
      const session = await createSession(identityModelBytes());
      assert.deepEqual(sessionExecution(session), { ...expected, threads: 1 });
      if (!cudaBundled) assert.ok(['cpu', 'webgpu'].includes(sessionExecution(session).provider));
      await session.release();
    });

    it('`cuda`, not bundled here, falls back to the CPU with a message to listeners and on the session', async function () {
      if (cudaBundled) this.skip();
      setExecutionConfig({ provider: 'cuda', threads: 0 });
      const heard: string[] = [];
      const stop = onProviderFallback((message) => heard.push(message));
      try {
        const session = await createSession(identityModelBytes());
        const execution = sessionExecution(session);
        assert.equal(execution.provider, 'cpu');
        assert.equal(execution.requested, 'cuda');
        assert.match(execution.fallback!, /^cuda did not initialize \(.*Failed to load.*\); running on the CPU$/);
        assert.deepEqual(heard, [execution.fallback]);
        await session.release();
      } finally {
        stop();
      }
    });

    it('a choice made by the starting process is used without probing again', async () => {
      setExecutionConfig({ provider: 'auto', threads: 0, chosen: { provider: 'cpu', requested: 'auto' } });
      const session = await createSession(identityModelBytes());
      assert.deepEqual(sessionExecution(session), { provider: 'cpu', requested: 'auto', threads: null });
      await session.release();
    });
  });

  describe('configs from outside', () => {
    it('names the bad field', () => {
      assert.throws(() => parseExecutionConfig({ provider: 'tpu', threads: 0 }), /execution provider must be one of auto, cpu, cuda, webgpu \(got "tpu"\)/);
      assert.throws(() => parseExecutionConfig({ provider: 'cpu', threads: -1 }), /threads must be an integer/);
      assert.throws(() => parseExecutionConfig({ provider: 'cpu', threads: 0, chosen: { provider: 'cuda', requested: 'auto' } }), /does not answer the preference cpu/);
      const config: ExecutionConfig = { provider: 'auto', threads: 4, chosen: { provider: 'webgpu', requested: 'auto' } };
      assert.deepEqual(parseExecutionConfig(JSON.parse(JSON.stringify(config))), config);
    });

    it('CLI: --provider and --threads anywhere, default auto', () => {
      assert.deepEqual(takeExecutionFlags(['predict', 'm.onnx', '--provider', 'cpu', 'a.png', '--threads=2']), {
        config: { provider: 'cpu', threads: 2 }, rest: ['predict', 'm.onnx', 'a.png'],
      });
      assert.deepEqual(takeExecutionFlags(['inspect', 'm.onnx']).config, { provider: 'auto', threads: 0 });
      assert.throws(() => takeExecutionFlags(['inspect', '--threads']), /--threads needs a value/);
    });
  });

  describe('Runtime Info', () => {
    it('names the provider a session runs on under the settings, with the fallback and the threads', async function () {
      if (cudaBundled) this.skip();
      setExecutionConfig({ provider: 'cuda', threads: 2 });
      const inUse = await onnxProviderInUse();
      assert.deepEqual({ ...inUse, fallback: undefined }, { provider: 'cpu', requested: 'cuda', threads: 2, fallback: undefined });
      const info: RuntimeInfo = {
        node: 'v20', platform: 'linux-x64',
        onnxruntime: { version: '1.30.0', error: null, providers: [{ name: 'cpu', available: true, detail: 'initializes and runs' }], inUse },
        tfjs: { version: '4.22.0', error: null, backends: [] },
        gpu: { present: false, source: null, detail: 'none' },
      };
      assert.match(formatRuntimeInfo(info), /ONNX models run on: cpu \(setting cuda, 2 threads\); cuda did not initialize \(.*\); running on the CPU/);
    });
  });

  describe('the built CLI', function () {
    this.timeout(300_000);
    before(() => execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }));
    const predict = (...flags: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'predict', sharedModel('mnist.onnx'), sharedImage('mnist_28.png'), '--json', ...flags], { encoding: 'utf8', cwd: root });

    it('auto keeps onnxruntime\'s raw stderr lines of the probe out of the terminal and names the provider', () => {
      const result = predict('--provider', 'auto', '--threads', '1');
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /Failed to load library|onnxruntime/);
      const provider = JSON.parse(result.stdout).provider;
      if (!cudaBundled) assert.ok(['cpu', 'webgpu'].includes(provider));
    });

    it('cuda falls back to the CPU: one line on stderr, the reason in the JSON', function () {
      if (cudaBundled) this.skip();
      const result = predict('--provider', 'cuda');
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.provider, 'cpu');
      assert.match(report.providerFallback, /^cuda did not initialize/);
      assert.equal(result.stderr.trim(), `cnn: ${report.providerFallback}`);
    });
  });
});
