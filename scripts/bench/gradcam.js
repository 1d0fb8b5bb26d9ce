// Grad-CAM benchmark rows for scripts/bench.js: one Grad-CAM on a seeded torchvision resnet18 (224×224) by the
// explain runtime (preprocessing, forward and backward in onnxruntime-node, the map) next to PyTorch autograd
// doing forward + backward + map in the same run.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const python = process.env.CNN_STUDIO_TORCH_PYTHON || '/usr/bin/python3';
const RUNS = 10;

const ENGINE = `
  const { torchvisionModel } = require('./test/unit/predict/torchvision-models.ts');
  const { Explainer } = require('./src/runtime/explain');
  const image = require('./test/unit/helpers/shared.ts').sharedImage('kitten_224.png');
  (async () => {
    const explainer = await Explainer.open(torchvisionModel('resnet18'), { sampleImage: image, session: { threads: 2 } });
    for (let i = 0; i < 3; i++) await explainer.explain(image, { method: 'gradcam' });
    const times = [];
    for (let i = 0; i < ${RUNS}; i++) {
      const started = performance.now();
      await explainer.explain(image, { method: 'gradcam' });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ ms: times[Math.floor(times.length / 2)] }));
    await explainer.release();
  })();`;

function lastJsonLine(output) {
  return JSON.parse(output.trim().split('\n').pop());
}

function gradcam() {
  try {
    const ours = lastJsonLine(execFileSync(process.execPath, ['-r', './test/unit/register.js', '-e', ENGINE], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const theirs = lastJsonLine(execFileSync(python, [path.join(root, 'scripts/reference/gradcam_bench.py'), 'resnet18', 'layer4'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    return [
      { name: 'Grad-CAM resnet18 224x224 (decode, preprocess, forward, backward, map): explain runtime', value: ours.ms.toFixed(1), unit: 'ms', note: `onnxruntime-node, 2 threads, median of ${RUNS} after warm-up` },
      { name: '  PyTorch autograd (forward, backward, map)', value: theirs.ms.toFixed(1), unit: 'ms', note: `torch ${theirs.torch}, ${theirs.threads} threads; ${(theirs.ms / ours.ms).toFixed(2)}x the explain runtime's time` },
    ];
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'Grad-CAM resnet18', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
}

module.exports = { gradcam };
