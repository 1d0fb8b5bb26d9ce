// Training benchmark rows for scripts/bench.js: the ONNX training engine (whole step, update included, in one
// onnxruntime run) next to PyTorch on the same networks in the same run: images/s of the MNIST CNN and peak
// memory of one resnet18 training step.
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { exportedModels, TUNED_ALLOCATOR } = require('./grad');

const root = path.resolve(__dirname, '../..');
const pythonScript = path.join(root, 'scripts/reference/train_bench.py');
const python = process.env.CNN_STUDIO_TORCH_PYTHON || '/usr/bin/python3';
const MEMORY_BATCH = 32;

function lastJsonLine(output) {
  return JSON.parse(output.trim().split('\n').pop());
}

function pytorch(args, env) {
  return lastJsonLine(execFileSync(python, [pythonScript, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function engine(args) {
  return lastJsonLine(execFileSync(process.execPath, ['-r', './test/unit/register.js', 'scripts/bench/train-engine.ts', ...args],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function training() {
  const rounds = Number(process.env.TRAIN_BENCH_ROUNDS || 3);
  const ours = [];
  const tuned = [];
  const plain = [];
  const loadBefore = os.loadavg()[0];
  try {
    // Alternating rounds, so that a burst of load on the machine hits both alike.
    for (let round = 0; round < rounds; round++) {
      ours.push(engine(['steps']));
      tuned.push(pytorch(['steps'], TUNED_ALLOCATOR));
      plain.push(pytorch(['steps'], {}));
    }
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'training engine (MNIST CNN steps)', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
  const load = `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after, on ${os.cpus().length} cores`;
  const ourRate = median(ours.map((r) => r.images_per_sec));
  const rate = (value) => `${value.toFixed(0)}`;
  const versus = (theirs, target) => `this engine ${(ourRate / theirs).toFixed(2)}x${target ? ' (target >= 1.0x)' : ''}`;
  const tunedRate = median(tuned.map((r) => r.images_per_sec));
  const plainRate = median(plain.map((r) => r.images_per_sec));
  const rows = [
    { name: 'MNIST CNN training b64 (Adam, dropout, the full step with the update in one onnxruntime run): this engine', value: rate(ourRate), unit: 'images/s', note: `onnxruntime-node, ${ours[0].threads} threads; median of ${rounds} alternating rounds of 20 steps after warm-up; ${load}` },
    { name: '  the same gradients from onnxruntime, Adam in JS (the design not taken)', value: rate(median(ours.map((r) => r.js_adam_images_per_sec))), unit: 'images/s', note: 'same process, after the engine' },
    { name: '  PyTorch, MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ tuned', value: rate(tunedRate), unit: 'images/s', note: `torch ${tuned[0].torch}, ${tuned[0].threads} threads; ${versus(tunedRate, true)}` },
    { name: '  PyTorch, default allocator', value: rate(plainRate), unit: 'images/s', note: versus(plainRate, false) },
  ];
  try {
    const resnet18 = path.join(exportedModels(), 'resnet18.onnx');
    const ourMemory = engine(['memory', resnet18, String(MEMORY_BATCH)]).peak_rss_mb;
    const tunedMemory = pytorch(['memory', String(MEMORY_BATCH)], TUNED_ALLOCATOR).peak_rss_mb;
    const plainMemory = pytorch(['memory', String(MEMORY_BATCH)], {}).peak_rss_mb;
    const ratio = (theirs, target) => `this engine ${(ourMemory / theirs).toFixed(2)}x${target ? ' (target <= 1.5x)' : ''}`;
    rows.push(
      { name: `resnet18 training step b${MEMORY_BATCH} 224x224 (train-mode BatchNorm, SGD momentum) peak RSS: this engine`, value: ourMemory.toFixed(0), unit: 'MB', note: 'whole Node process (maxRSS)' },
      { name: '  PyTorch, allocator tuned', value: tunedMemory.toFixed(0), unit: 'MB', note: `whole Python process (ru_maxrss); ${ratio(tunedMemory, true)}` },
      { name: '  PyTorch, default allocator', value: plainMemory.toFixed(0), unit: 'MB', note: ratio(plainMemory, false) },
    );
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    rows.push({ name: 'resnet18 training step peak memory', value: 'FAIL', unit: '', note: message.slice(0, 200) });
  }
  return rows;
}

module.exports = { training };
