import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import * as ort from 'onnxruntime-node';
import type { ModelSummary } from '../../../src/runtime/inspect/types';
import type { PredictResponse } from '../../../src/runtime/preview/jobs';
import { JobCancelledError, runChildJob, runWorkerJob } from '../../../src/runtime/jobs/run-job';
import type { RuntimeInfo } from '../../../src/runtime/probe/report';
import { sharedImage, sharedModel } from '../helpers/shared';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const repoRoot = path.resolve(__dirname, '../../..');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Inside the repository, so that bundles resolve their external packages from its node_modules as dist/ does. */
function temporaryBundleDir(): string {
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  return fs.mkdtempSync(path.join(cache, 'cnn-studio-worker-test-'));
}

/** Bundles a worker script the way esbuild.js does, into a temporary folder. */
function bundleWorker(name: string, outDir: string): string {
  const outfile = path.join(outDir, `${name}.js`);
  buildSync({
    entryPoints: [path.join(repoRoot, 'src', 'runtime', 'workers', `${name}.worker.ts`)],
    outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
    external: ['onnxruntime-node', 'sharp', '@tensorflow/*'],
    nodePaths: [path.join(repoRoot, 'node_modules')],
  });
  return outfile;
}

describe('worker and child-process jobs', () => {
  it('reports progress and terminates a worker thread when cancelled', async () => {
    const abort = new AbortController();
    const progress: string[] = [];
    const job = runWorkerJob(fixture('job-waits-forever.js'), { label: 'w' }, {
      signal: abort.signal,
      onProgress: (message) => {
        progress.push(message);
        abort.abort();
      },
    });
    await assert.rejects(job, JobCancelledError);
    assert.equal(progress.length, 1);
    assert.match(progress[0], /^started w pid \d+$/);
  });

  it('kills a child process when cancelled', async () => {
    const abort = new AbortController();
    let pid = 0;
    const job = runChildJob(fixture('job-waits-forever.js'), { label: 'c' }, {
      signal: abort.signal,
      onProgress: (message) => {
        pid = Number(message.split(' pid ')[1]);
        abort.abort();
      },
    });
    await assert.rejects(job, JobCancelledError);
    assert.ok(pid > 0);
    const deadline = Date.now() + 5000;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(isRunning(pid), false, `child ${pid} still runs after cancellation`);
  });

  it('rejects with a clear message when the script dies without answering', async () => {
    await assert.rejects(runChildJob(fixture('job-crashes.js'), {}), /exited \(code 3\) without a result/);
    await assert.rejects(runWorkerJob(fixture('job-crashes.js'), {}), /exited \(code 3\) without a result/);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(runWorkerJob(fixture('job-waits-forever.js'), { label: 'x' }, { signal: abort.signal }), JobCancelledError);
  });

  it('probes runtimes in a child process with the bundled runtime-info script', async () => {
    const outDir = temporaryBundleDir();
    try {
      const info = await runChildJob<RuntimeInfo>(bundleWorker('runtime-info', outDir), {});
      assert.equal(info.node, process.version);
      assert.equal(info.onnxruntime.providers.find((provider) => provider.name === 'cpu')?.available, true);
      assert.equal(info.tfjs.backends.find((backend) => backend.name === 'cpu')?.available, true);
      assert.equal(typeof info.gpu.present, 'boolean');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('a worker\'s sessions follow the execution config in its input (cuda, not bundled here, falls back to the CPU)', async function () {
    if (ort.listSupportedBackends().some((backend) => backend.name === 'cuda' && backend.bundled)) this.skip();
    const outDir = temporaryBundleDir();
    try {
      const request = { action: 'predict', model: sharedModel('mnist.onnx'), images: [sharedImage('mnist_28.png')] };
      const onCuda = await runWorkerJob<PredictResponse>(bundleWorker('preview', outDir), { ...request, execution: { provider: 'cuda', threads: 1 } });
      assert.equal(onCuda.provider, 'cpu');
      assert.match(onCuda.providerFallback ?? '', /^cuda did not initialize/);
      const onCpu = await runWorkerJob<PredictResponse>(bundleWorker('preview', outDir), { ...request, execution: { provider: 'cpu', threads: 1 } });
      assert.equal(onCpu.providerFallback, undefined);
      await assert.rejects(runWorkerJob(bundleWorker('preview', outDir), { ...request, execution: { provider: 'tpu', threads: 1 } }), /execution provider must be one of/);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  describe('the bundled inspect worker', () => {
    let outDir: string;
    let worker: string;
    before(() => {
      outDir = temporaryBundleDir();
      worker = bundleWorker('inspect', outDir);
    });
    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    it('summarizes a real model off the main thread', async () => {
      const progress: string[] = [];
      const summary = await runWorkerJob<ModelSummary>(worker, { file: sharedModel('mnist.onnx') }, { onProgress: (message) => progress.push(message) });
      assert.equal(summary.format, 'onnx');
      assert.ok(summary.layers.length > 0 && summary.params > 0);
      assert.match(progress[0], /mnist\.onnx/);
    });

    it('binds the symbolic dims it is given', async () => {
      const file = sharedModel('ImageClassifier.onnx');
      const free = await runWorkerJob<ModelSummary>(worker, { file });
      const bound = await runWorkerJob<ModelSummary>(worker, { file, dims: { batch_size: 4 } });
      assert.equal(free.inputs[0].shape?.[0], 'batch_size');
      assert.deepEqual(bound.inputs[0].shape, [4, ...free.inputs[0].shape!.slice(1)]);
      assert.equal(bound.macs, 4 * free.macs!);
    });

    it('answers a file that is not a model with an error naming the file', async () => {
      const broken = path.join(outDir, 'broken.onnx');
      fs.writeFileSync(broken, 'this is not protobuf');
      await assert.rejects(runWorkerJob(worker, { file: broken }), (error: Error) => {
        assert.ok(error.message.includes(broken), error.message);
        return true;
      });
    });
  });
});
