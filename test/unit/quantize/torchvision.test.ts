import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { guessPreprocessing, imageToTensor, readInputFacts } from '../../../src/runtime/images';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { runQuantize } from '../../../src/runtime/quantize';
import { cosineSimilarity as cosine } from '../../../src/runtime/quantize/agreement';
import { ModelRunner } from '../../../src/runtime/quantize/evaluate';
import { sharedImagesDir } from '../helpers/shared';
import { runPython, torchvisionModel } from '../predict/torchvision-models';

/**
 * torchvision architectures (seeded random weights, randomised BatchNorm statistics) on the real sample images:
 * static int8 against float32, next to PyTorch's own int8 quantization (qnnpack) of the same model on the same images.
 */
describe('quantize: torchvision models against torch.ao.quantization', function () {
  this.timeout(300_000);
  const images = fs.readdirSync(sharedImagesDir).sort().map((name) => path.join(sharedImagesDir, name));

  for (const name of ['resnet18', 'mobilenet_v2']) {
    it(`${name}: static int8 output cosine ≥ 0.99 against float32, not much below PyTorch's int8`, async () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), `cnn-quantize-${name}-`));
      try {
        const model = torchvisionModel(name);
        const pre = guessPreprocessing(readInputFacts(model));
        const inputs = await Promise.all(images.map((image) => imageToTensor(image, pre)));
        const inputsFile = path.join(work, 'inputs.bin');
        fs.writeFileSync(inputsFile, Buffer.concat(inputs.map((input) => Buffer.from(input.data.buffer))));
        const torch = JSON.parse(runPython('quantize_reference.py', [name, inputsFile, String(inputs.length)]).trim().split('\n').pop()!) as { float: number[][]; cosines: number[] };

        const report = await runQuantize({ model, mode: 'static', calibration: sharedImagesDir, out: path.join(work, `${name}.int8.onnx`), threads: 2 });
        const float = await ModelRunner.open(readModelFile(model), readModelFile(model), 2);
        const quantized = await ModelRunner.open(readModelFile(report.output), readModelFile(report.output), 2);
        const ours: number[] = [];
        try {
          for (const [index, input] of inputs.entries()) {
            const reference = await float.run(input);
            // The same weights in both: PyTorch's float output equals the exported model's.
            assert.ok(cosine(reference, Float32Array.from(torch.float[index])) > 0.9999, `${name}: the export and the PyTorch model differ`);
            ours.push(cosine(reference, await quantized.run(input)));
          }
        } finally {
          await float.release();
          await quantized.release();
        }
        const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
        console.log(`      ${name}: output cosine int8 vs float32, ours ${mean(ours).toFixed(4)} (min ${Math.min(...ours).toFixed(4)}), torch.ao qnnpack ${mean(torch.cosines).toFixed(4)} (min ${Math.min(...torch.cosines).toFixed(4)}); latency ${report.original.latencyMs.toFixed(1)} → ${report.quantized.latencyMs.toFixed(1)} ms (${report.cpuInt8Support}), file ${(100 * report.quantized.bytes / report.original.bytes).toFixed(1)}%`);
        assert.ok(Math.min(...ours) >= 0.99, `cosines ${ours}`);
        assert.ok(mean(ours) >= mean(torch.cosines) - 0.01, `ours ${mean(ours)} against PyTorch ${mean(torch.cosines)}`);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
