// End-to-end rows for scripts/bench.js on a large float16 ONNX model: torchvision deeplabv3_resnet50 (seeded random
// weights, exported by scripts/reference/segmentation_fp16.py at 1024×1024, about 80 MB, cached in .cache). The CLI's
// `predict` and `explain` (Grad-CAM), each a fresh process timed from spawn to exit, next to onnxruntime alone: a
// fresh process that creates a session from the same file and runs it once on a float16 input. The engines alternate
// over ROUNDS rounds, as the machine may be shared, and the best and median of each are reported.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const exporter = path.join(root, 'scripts/reference/segmentation_fp16.py');
const python = process.env.CNN_STUDIO_TORCH_PYTHON || '/usr/bin/python3';
const ROUNDS = 3;
const SIZE = 1024;

function exportedModel() {
  const key = crypto.createHash('sha256').update(fs.readFileSync(exporter)).digest('hex').slice(0, 16);
  const file = path.join(root, '.cache/bench-large-fp16', key, `deeplabv3_resnet50-fp16-${SIZE}.onnx`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp.onnx`;
    execFileSync(python, [exporter, temporary, '--size', String(SIZE)], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(temporary, file);
  }
  return file;
}

// onnxruntime alone: session from the file, one run on a float16 input of the model's shape.
const ORT_ALONE = `
  const ort = require('onnxruntime-node');
  (async () => {
    const started = performance.now();
    const session = await ort.InferenceSession.create(process.argv[1]);
    const created = performance.now();
    const input = new Uint16Array(3 * ${SIZE} * ${SIZE}).fill(0x3800);
    await session.run({ [session.inputNames[0]]: new ort.Tensor('float16', input, [1, 3, ${SIZE}, ${SIZE}]) });
    console.log(JSON.stringify({ createMs: created - started, runMs: performance.now() - created }));
  })();`;

function timedProcess(args) {
  const started = performance.now();
  const output = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  return { ms: performance.now() - started, output };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

function largeFp16() {
  try {
    const model = exportedModel();
    const image = path.join(process.env.CNN_STUDIO_SHARED ?? path.resolve(root, '../shared'), 'images', 'cat.jpg');
    const times = { predict: [], explain: [], ort: [], ortRun: [] };
    for (let round = 0; round < ROUNDS; round++) {
      times.predict.push(timedProcess(['dist/cli.js', 'predict', model, image, '--json']).ms);
      times.explain.push(timedProcess(['dist/cli.js', 'explain', model, image, '--method', 'gradcam', '--json']).ms);
      const alone = timedProcess(['-e', ORT_ALONE, model]);
      times.ort.push(alone.ms);
      times.ortRun.push(JSON.parse(alone.output.trim().split('\n').pop()).runMs);
    }
    const [predict, explain, ort, ortRun] = [times.predict, times.explain, times.ort, times.ortRun].map(summary);
    const mb = (fs.statSync(model).size / 1e6).toFixed(0);
    const ratio = (ours) => `${(ours.median / ort.median).toFixed(2)}x onnxruntime alone (median), best ${(ours.best / 1000).toFixed(1)} s`;
    const samples = `median of ${ROUNDS} alternating fresh processes`;
    return [
      { name: `large fp16 ONNX (deeplabv3_resnet50, ${mb} MB, ${SIZE}x${SIZE}): onnxruntime alone (session from the file + one run)`, value: (ort.median / 1000).toFixed(1), unit: 's', note: `${samples}; best ${(ort.best / 1000).toFixed(1)} s; the run alone ${(ortRun.median / 1000).toFixed(1)} s` },
      { name: '  cnn predict end to end (start, decode, preprocess, run, segmentation summary)', value: (predict.median / 1000).toFixed(1), unit: 's', note: ratio(predict) },
      { name: '  cnn explain --method gradcam end to end (one gradient run)', value: (explain.median / 1000).toFixed(1), unit: 's', note: ratio(explain) },
    ];
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'large fp16 ONNX end to end', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
}

module.exports = { largeFp16 };
