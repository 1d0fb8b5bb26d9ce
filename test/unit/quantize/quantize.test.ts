import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toFloat32Model } from '../../../src/runtime/explain/float32-model';
import { encodeModel, readModelFile } from '../../../src/runtime/onnx/codec';
import { cpuInt8Support } from '../../../src/runtime/quantize/evaluate';
import { runQuantize } from '../../../src/runtime/quantize';
import type { QuantizeEvent, QuantizeReport } from '../../../src/runtime/quantize/types';
import { JobCancelledError, runWorkerJob } from '../../../src/runtime/jobs/run-job';
import { sharedImagesDir, sharedModel } from '../helpers/shared';
import { writeDigitFolder } from './digits';

const repoRoot = path.resolve(__dirname, '../../..');
const mnistFlags = { size: [28, 28] as [number, number], range: '0-1' as const, mean: [0], std: [1], layout: 'nchw' as const };

describe('quantize: mnist.onnx through the CLI', function () {
  this.timeout(180_000);
  let work: string;
  let calibration: string;
  let evaluation: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-quantize-'));
    fs.copyFileSync(sharedModel('mnist.onnx'), path.join(work, 'mnist.onnx'));
    calibration = await writeDigitFolder(20, 0);
    evaluation = await writeDigitFolder(200, 100);
    execFileSync(process.execPath, ['esbuild.js'], { cwd: repoRoot });
  });
  after(() => {
    for (const folder of [work, calibration, evaluation].filter(Boolean)) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('static int8 calibrated on 200 digits keeps accuracy on 2,000 others within 0.3 points at ≤ 50% of the file', () => {
    const model = path.join(work, 'mnist.onnx');
    const before = fs.readFileSync(model);
    const stdout = execFileSync(process.execPath, ['dist/cli.js', 'quantize', model, '--mode', 'static', '--calib', calibration, '--eval', evaluation,
      '--size', '28,28', '--range', '0-1', '--layout', 'nchw', '--out', path.join(work, 'mnist.int8.onnx'), '--json'], { cwd: repoRoot, encoding: 'utf8' });
    const report = JSON.parse(stdout) as QuantizeReport;
    assert.equal(report.output, path.join(work, 'mnist.int8.onnx'));
    assert.equal(report.calibration?.images, 200);
    assert.equal(report.agreement?.images, 2000);
    const drop = 100 * (report.original.accuracy! - report.quantized.accuracy!);
    console.log(`      mnist: accuracy ${(100 * report.original.accuracy!).toFixed(2)}% → ${(100 * report.quantized.accuracy!).toFixed(2)}%, size ${(100 * report.quantized.bytes / report.original.bytes).toFixed(1)}%, latency ${report.original.latencyMs.toFixed(3)} → ${report.quantized.latencyMs.toFixed(3)} ms (${report.cpuInt8Support})`);
    assert.ok(report.original.accuracy! > 0.97);
    assert.ok(drop <= 0.3, `accuracy drop ${drop} points`);
    assert.equal(fs.statSync(report.output).size, report.quantized.bytes);
    assert.ok(report.quantized.bytes <= 0.5 * report.original.bytes, `${report.quantized.bytes} of ${report.original.bytes} bytes`);
    assert.deepEqual(fs.readFileSync(model), before, 'the model file is untouched');
    assert.deepEqual(report.nodes.keptFloat, []);
    // A second run never overwrites the first result.
    const again = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'quantize', model, '--mode', 'static', '--calib', calibration, '--calib-limit', '20',
      '--eval-limit', '20', '--size', '28,28', '--range', '0-1', '--out', path.join(work, 'mnist.int8.onnx'), '--json'], { cwd: repoRoot, encoding: 'utf8' })) as QuantizeReport;
    assert.equal(again.output, path.join(work, 'mnist.int8-1.onnx'));
  });

  it('dynamic and float16 modes run and agree with the float model', async () => {
    for (const mode of ['dynamic', 'fp16'] as const) {
      const report = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode, evaluation, evaluationLimit: 300, preprocessing: mnistFlags });
      assert.ok(report.agreement!.top1Agreement >= 0.99, `${mode}: ${JSON.stringify(report.agreement)}`);
      assert.ok(report.agreement!.meanCosine >= 0.999, `${mode}: ${JSON.stringify(report.agreement)}`);
      assert.ok(report.quantized.bytes < 0.6 * report.original.bytes, `${mode}: ${report.quantized.bytes}`);
      assert.match(report.output, mode === 'fp16' ? /mnist\.fp16\.onnx$/ : /mnist\.int8(-\d+)?\.onnx$/);
    }
  });

  it('explanation drift: Grad-CAM maps of the float and the int8 model agree', async () => {
    const report = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration, calibrationLimit: 50, evaluationLimit: 20, preprocessing: mnistFlags, explanationDriftImages: 2 });
    assert.equal(report.explanationDrift?.length, 2);
    for (const drift of report.explanationDrift!) assert.ok(drift.cosine > 0.9, `${drift.image}: cosine ${drift.cosine}`);
  });

  it('percentile and entropy calibration keep the accuracy too', async () => {
    for (const method of ['percentile', 'entropy'] as const) {
      const report = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', method, calibration, calibrationLimit: 100, evaluation, evaluationLimit: 500, preprocessing: mnistFlags });
      assert.equal(report.calibration?.method, method);
      assert.ok(report.quantized.accuracy! >= report.original.accuracy! - 0.005, `${method}: ${report.original.accuracy} → ${report.quantized.accuracy}`);
    }
  });

  it('ranks layers by sensitivity and excludes the worst until the budget holds', async () => {
    const report = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration, calibrationLimit: 50, evaluation, evaluationLimit: 200,
      preprocessing: mnistFlags, accuracyBudget: -1 });
    const ranked = report.sensitivity!;
    assert.deepEqual(new Set(ranked.map((layer) => layer.opType)), new Set(['Conv', 'Gemm']));
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].sqnrDb <= ranked[i].sqnrDb);
    // A budget below zero can never hold: every candidate ends excluded, worst first.
    assert.deepEqual(report.exclusions, ranked.map((layer) => layer.name));
    assert.ok(ranked.every((layer) => layer.excluded));
    assert.equal(report.nodes.quantized, 0);
  });

  it('runs in the quantize worker with typed progress events, and stops when cancelled', async () => {
    const config = { model: path.join(work, 'mnist.onnx'), mode: 'static' as const, calibration, evaluation, evaluationLimit: 50, preprocessing: mnistFlags };
    const events: QuantizeEvent[] = [];
    const report = await runWorkerJob<QuantizeReport>(path.join(repoRoot, 'dist/workers/quantize.js'), config, { onProgress: (message) => events.push(JSON.parse(message)) });
    assert.equal(report.agreement?.images, 50);
    assert.ok(events.some((event) => event.type === 'stage' && event.stage === 'calibrate'));
    assert.ok(events.some((event) => event.type === 'progress' && event.total === 200));
    const controller = new AbortController();
    const cancelled = runWorkerJob<QuantizeReport>(path.join(repoRoot, 'dist/workers/quantize.js'), { ...config, out: path.join(work, 'cancelled.onnx') }, {
      signal: controller.signal,
      onProgress: (message) => { if ((JSON.parse(message) as QuantizeEvent).type === 'progress') controller.abort(); },
    });
    await assert.rejects(cancelled, JobCancelledError);
    assert.ok(!fs.existsSync(path.join(work, 'cancelled.onnx')));
  });

  it('bad input: a folder without images, an undecodable image, an already-quantized model', async () => {
    const empty = fs.mkdtempSync(path.join(work, 'empty-'));
    await assert.rejects(runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration: empty, preprocessing: mnistFlags }), /no images/);
    const mixed = fs.mkdtempSync(path.join(work, 'mixed-'));
    fs.copyFileSync(path.join(sharedImagesDir, 'mnist_28.png'), path.join(mixed, 'a.png'));
    fs.writeFileSync(path.join(mixed, 'broken.png'), 'not a png');
    const report = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration: mixed, preprocessing: mnistFlags });
    assert.equal(report.calibration?.images, 1);
    assert.deepEqual(report.calibration?.skipped.map((entry) => path.basename(entry.file)), ['broken.png']);
    await assert.rejects(runQuantize({ model: report.output, mode: 'static', calibration: mixed, preprocessing: mnistFlags }), /is already quantized \(node .* is (QuantizeLinear|DequantizeLinear)\)/);
    await assert.rejects(runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', preprocessing: mnistFlags }), /needs a folder of calibration images/);
    await assert.rejects(runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration: mixed, exclude: ['Conv9'], preprocessing: mnistFlags }), /names no node or op type .*: Conv9/);
    const excluded = await runQuantize({ model: path.join(work, 'mnist.onnx'), mode: 'static', calibration: mixed, exclude: ['Gemm'], preprocessing: mnistFlags });
    assert.deepEqual(excluded.nodes.keptFloat, [{ name: 'Times212', opType: 'Gemm', reason: 'excluded by op type Gemm' }]);
  });
});

describe('quantize: CPU int8 support', () => {
  it('names VNNI, AVX-512 or AVX2 from the cpuinfo flags', () => {
    assert.equal(cpuInt8Support('flags\t\t: fpu sse avx2 avx512f avx512bw avx512_vnni\n'), 'VNNI');
    assert.equal(cpuInt8Support('flags\t\t: fpu sse avx2 avx_vnni\n'), 'VNNI');
    assert.equal(cpuInt8Support('flags\t\t: fpu sse avx2 avx512f avx512bw\n'), 'AVX-512');
    assert.equal(cpuInt8Support('flags\t\t: fpu sse avx2\n'), 'AVX2');
    assert.equal(cpuInt8Support('flags\t\t: fpu sse\n'), 'none');
  });
});

describe('quantize: SqueezeNet 1.0 (float16 file, converted to float32 first)', function () {
  this.timeout(180_000);

  it('static per-channel int8: ≤ 27% of the float32 file, same top-1 on the sample images', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-quantize-squeezenet-'));
    try {
      const model = path.join(work, 'squeezenet.onnx');
      fs.copyFileSync(sharedModel('SqueezeNet_fp16.onnx'), model);
      const report = await runQuantize({ model, mode: 'static', perChannel: true, calibration: sharedImagesDir, evaluation: sharedImagesDir });
      const float32Bytes = encodeModel(toFloat32Model(readModelFile(model))).length;
      console.log(`      squeezenet: ${(100 * report.quantized.bytes / float32Bytes).toFixed(1)}% of float32, top-1 agreement ${report.agreement?.top1Agreement} on ${report.agreement?.images} images, cosine ${report.agreement?.meanCosine.toFixed(4)}, latency ${report.original.latencyMs.toFixed(2)} → ${report.quantized.latencyMs.toFixed(2)} ms`);
      assert.ok(report.quantized.bytes <= 0.27 * float32Bytes, `${report.quantized.bytes} of ${float32Bytes}`);
      assert.equal(report.agreement?.images, fs.readdirSync(sharedImagesDir).length);
      assert.equal(report.agreement?.top1Agreement, 1);
      assert.ok(report.nodes.keptFloat.some((node) => node.opType === 'Softmax' && /no int8 kernel/.test(node.reason)), JSON.stringify(report.nodes.keptFloat));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
