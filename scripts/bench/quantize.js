// Quantization benchmark rows for scripts/bench.js: a seeded torchvision resnet18 quantized to static int8 (calibrated
// on the shared sample images), then batch-1 latency of the float32 and int8 models in onnxruntime, measured
// alternately in the same run (2 threads on this project's machines).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

const ENGINE = `
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const { torchvisionModel } = require('./test/unit/predict/torchvision-models.ts');
  const { sharedImagesDir } = require('./test/unit/helpers/shared.ts');
  const { runQuantize } = require('./src/runtime/quantize');
  (async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-quantize-')), 'resnet18.int8.onnx');
    const report = await runQuantize({ model: torchvisionModel('resnet18'), mode: 'static', calibration: sharedImagesDir, out, threads: 2 });
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    console.log(JSON.stringify(report));
  })();`;

function quantize() {
  try {
    const output = execFileSync(process.execPath, ['-r', './test/unit/register.js', '-e', ENGINE], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const report = JSON.parse(output.trim().split('\n').pop());
    const ratio = report.quantized.latencyMs / report.original.latencyMs;
    return [
      { name: 'resnet18 224x224 batch 1, onnxruntime: float32', value: report.original.latencyMs.toFixed(2), unit: 'ms', note: 'median, alternating with int8 in the same run' },
      { name: '  static int8 (QDQ, per-channel)', value: report.quantized.latencyMs.toFixed(2), unit: 'ms', note: `${ratio.toFixed(2)}x float32; CPU int8 support ${report.cpuInt8Support}; file ${(100 * report.quantized.bytes / report.original.bytes).toFixed(1)}%` },
    ];
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'resnet18 int8', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
}

module.exports = { quantize };
