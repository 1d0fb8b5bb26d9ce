// tfjs training benchmark rows for scripts/bench.js: the MNIST CNN of the project's measured facts (conv32-conv64-
// maxpool-dense128-dense10, 28x28x1, batch 64, Adam) as a tfjs layers model, trained through the tfjs step engine on
// the best tfjs backend present, next to the same CNN and step in PyTorch (2 threads, tuned allocator), same run.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const [BATCH, STEPS] = [64, 8];

const ENGINE = `
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const tf = require('@tensorflow/tfjs');
  const { initTfjsBackend } = require('./src/runtime/tfjs/backend');
  const { writeTfjsModel } = require('./src/runtime/tfjs/write-model');
  const { createTfjsEngine } = require('./src/runtime/train/tfjs-engine');
  (async () => {
    await initTfjsBackend();
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ] });
    let artifacts;
    await model.save(tf.io.withSaveHandler(async (result) => { artifacts = result; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-tfjs-train-'));
    const modelJson = path.join(dir, 'cnn', 'model.json');
    writeTfjsModel(modelJson, { format: 'layers-model', modelTopology: artifacts.modelTopology }, artifacts.weightSpecs, new Uint8Array(artifacts.weightData));
    const engine = await createTfjsEngine({ model: modelJson, data: dir, out: path.join(dir, 'out', 'model.json'), optimizer: 'adam' }, 10);
    const batch = Float32Array.from({ length: ${BATCH} * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
    const labels = Int32Array.from({ length: ${BATCH} }, (_, i) => i % 10);
    const dims = [${BATCH}, 28, 28, 1];
    for (let i = 0; i < 2; i++) await engine.trainStep(batch, dims, labels, 1e-3);
    const started = performance.now();
    for (let i = 0; i < ${STEPS}; i++) await engine.trainStep(batch, dims, labels, 1e-3);
    const seconds = (performance.now() - started) / 1000;
    await engine.release();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ provider: engine.provider, imagesPerSec: ${BATCH} * ${STEPS} / seconds }));
  })();`;

const PYTORCH = `
import time, torch
torch.set_num_threads(2)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                            torch.nn.Flatten(), torch.nn.Linear(9216, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(${BATCH}, 1, 28, 28)
y = torch.arange(${BATCH}) % 10
def step():
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
for _ in range(2): step()
started = time.perf_counter()
for _ in range(${STEPS}): step()
print(${BATCH} * ${STEPS} / (time.perf_counter() - started))
`;

function tfjsTrain() {
  try {
    const output = execFileSync(process.execPath, ['-r', './test/unit/register.js', '-e', ENGINE], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const { provider, imagesPerSec } = JSON.parse(output.trim().split('\n').pop());
    const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1000000000' };
    const peer = Number(execFileSync(process.env.CNN_STUDIO_TORCH_PYTHON || '/usr/bin/python3', ['-c', PYTORCH], { encoding: 'utf8', env }).trim());
    return [
      { name: `tfjs engine training, MNIST CNN batch ${BATCH}, Adam: ${provider}`, value: imagesPerSec.toFixed(0), unit: 'images/s', note: `full step with the update, ${STEPS} steps after warm-up; ${(imagesPerSec / peer).toFixed(2)}x PyTorch` },
      { name: '  same CNN and step in PyTorch CPU (2 threads, tuned allocator)', value: peer.toFixed(0), unit: 'images/s', note: 'same run' },
    ];
  } catch (error) {
    process.exitCode = 1;
    const message = String(error.stderr || error.message).split('\n').find((line) => line.trim()) || 'failed';
    return [{ name: 'tfjs engine training, MNIST CNN', value: 'FAIL', unit: '', note: message.slice(0, 200) }];
  }
}

module.exports = { tfjsTrain };
