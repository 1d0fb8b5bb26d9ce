// Gradient benchmark rows for scripts/bench.js: this engine (backward pass as ONNX, run by onnxruntime-node) next to
// PyTorch autograd (Debian python3-torch) on the same models in the same run.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const pythonScript = path.join(root, 'scripts/reference/grad_bench.py');
const python = process.env.CNN_STUDIO_TORCH_PYTHON || '/usr/bin/python3';
// Debian's torch spends much of its time in the system allocator unless these keep freed memory mapped.
const TUNED_ALLOCATOR = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1000000000' };

/** The models grad_bench.py exports (seeded), cached by the script's content. */
function exportedModels() {
  const key = crypto.createHash('sha256').update(fs.readFileSync(pythonScript)).digest('hex').slice(0, 16);
  const dir = path.join(root, '.cache/bench-grad', key);
  if (!fs.existsSync(path.join(dir, 'mnist_cnn.onnx'))) {
    execFileSync(python, [pythonScript, 'export', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return dir;
}

function lastJsonLine(output) {
  return JSON.parse(output.trim().split('\n').pop());
}

function pytorch(dir, env) {
  return lastJsonLine(execFileSync(python, [pythonScript, 'time', dir], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function engine(dir) {
  const output = execFileSync(process.execPath, ['-r', './test/unit/register.js', 'scripts/bench/grad-engine.ts', dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return lastJsonLine(output);
}

/** Per field, the median over rounds (each round already reports medians of its own runs). */
function medianRound(rounds) {
  const pick = (key) => {
    const values = rounds.map((round) => round[key]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  return { ...rounds[0], resnet18_ms: pick('resnet18_ms'), mnist_step_ms: pick('mnist_step_ms') };
}

function gradients() {
  const dir = exportedModels();
  // The engines take turns, round after round, so that a burst of load on the machine hits both alike.
  const rounds = Number(process.env.GRAD_BENCH_ROUNDS || 3);
  const results = { ours: [], plain: [], tuned: [] };
  const loadBefore = os.loadavg()[0];
  for (let round = 0; round < rounds; round++) {
    try {
      results.ours.push(engine(dir));
    } catch (error) {
      process.exitCode = 1;
      const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
      return [{ name: 'gradient engine (resnet18, MNIST CNN)', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
    }
    results.plain.push(pytorch(dir, {}));
    results.tuned.push(pytorch(dir, TUNED_ALLOCATOR));
  }
  const ours = medianRound(results.ours);
  const plain = medianRound(results.plain);
  const tuned = medianRound(results.tuned);
  const load = `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after, on ${os.cpus().length} cores`;
  const blas = plain.openblas ? 'OpenBLAS in use' : `no OpenBLAS (${plain.blas})`;
  const imagesPerSecond = (ms, batch) => (batch / (ms / 1000)).toFixed(0);
  const ratio = (theirs) => `${(theirs / ours.resnet18_ms).toFixed(2)}x this engine's time`;
  return [
    { name: 'resnet18 224x224 b1 forward+backward (d logit / d input, last conv activation): this engine', value: ours.resnet18_ms.toFixed(1), unit: 'ms', note: `onnxruntime-node, ${ours.threads} threads; median of ${rounds} alternating rounds of 10 runs after warm-up; ${load}` },
    { name: '  PyTorch autograd, default allocator', value: plain.resnet18_ms.toFixed(1), unit: 'ms', note: `torch ${plain.torch}, ${plain.threads} threads, ${blas}; ${ratio(plain.resnet18_ms)}` },
    { name: '  PyTorch autograd, MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ tuned', value: tuned.resnet18_ms.toFixed(1), unit: 'ms', note: ratio(tuned.resnet18_ms) },
    { name: `MNIST CNN training step b${ours.mnist_batch} (cross-entropy, gradients of all ${ours.mnist_weights} weights): this engine`, value: imagesPerSecond(ours.mnist_step_ms, ours.mnist_batch), unit: 'images/s', note: `${ours.mnist_step_ms.toFixed(1)} ms a step, no optimizer update` },
    { name: '  PyTorch autograd, default allocator', value: imagesPerSecond(plain.mnist_step_ms, plain.mnist_batch), unit: 'images/s', note: `${plain.mnist_step_ms.toFixed(1)} ms a step` },
    { name: '  PyTorch autograd, allocator tuned', value: imagesPerSecond(tuned.mnist_step_ms, tuned.mnist_batch), unit: 'images/s', note: `${tuned.mnist_step_ms.toFixed(1)} ms a step` },
  ];
}

module.exports = { gradients, exportedModels, TUNED_ALLOCATOR };
