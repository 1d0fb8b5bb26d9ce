// tfjs Grad-CAM benchmark rows for scripts/bench.js: Grad-CAM of the nsfwjs MobileNetV2 (224×224, a tfjs layers
// model) through explainTfjsModel (model load, preprocessing, forward, gradient, map) on the wasm backend with the
// project's backprop kernels, and on the cpu backend, in the same process.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const WASM_RUNS = 5;

const ENGINE = `
  const fs = require('node:fs');
  const { writeNsfwjsModelJson } = require('./test/fixtures/models/nsfwjs.ts');
  const { explainTfjsModel } = require('./src/runtime/explain/tfjs-gradcam');
  const image = require('./test/unit/helpers/shared.ts').sharedImage('kitten_224.png');
  const timed = async (backend) => {
    const started = performance.now();
    await explainTfjsModel(modelJson, image, { backend });
    return performance.now() - started;
  };
  const { dir, modelJson } = writeNsfwjsModelJson();
  (async () => {
    await timed('wasm');
    const wasm = [];
    for (let i = 0; i < ${WASM_RUNS}; i++) wasm.push(await timed('wasm'));
    wasm.sort((a, b) => a - b);
    const cpu = await timed('cpu');
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ wasm: wasm[Math.floor(wasm.length / 2)], cpu }));
  })();`;

function tfjsGradcam() {
  try {
    const output = execFileSync(process.execPath, ['-r', './test/unit/register.js', '-e', ENGINE], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const { wasm, cpu } = JSON.parse(output.trim().split('\n').pop());
    return [
      { name: 'tfjs Grad-CAM nsfwjs MobileNetV2 224x224 (load, preprocess, forward, gradient, map): wasm', value: wasm.toFixed(1), unit: 'ms', note: `wasm backend + registered backprop kernels, median of ${WASM_RUNS} after warm-up` },
      { name: '  same on the tfjs cpu backend', value: cpu.toFixed(1), unit: 'ms', note: `one run; ${(cpu / wasm).toFixed(1)}x the wasm time` },
    ];
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'tfjs Grad-CAM nsfwjs MobileNetV2', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
}

module.exports = { tfjsGradcam };
