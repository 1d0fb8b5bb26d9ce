import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { explainTfjsModel, type TfjsExplanation } from '../../../src/runtime/explain/tfjs-gradcam';
import { initTfjsBackend } from '../../../src/runtime/tfjs/backend';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { cosine, maxRelativeError } from '../explain/reference';
import { sharedImage } from '../helpers/shared';

async function timed(run: () => Promise<TfjsExplanation>): Promise<{ explanation: TfjsExplanation; ms: number }> {
  const started = performance.now();
  const explanation = await run();
  return { explanation, ms: performance.now() - started };
}

describe('tfjs backend: Grad-CAM of nsfwjs MobileNetV2 on wasm equals the cpu backend', function () {
  this.timeout(300000);
  let dir: string;
  let modelJson: string;
  const image = sharedImage('kitten_224.png');
  before(async () => {
    ({ dir, modelJson } = writeNsfwjsModelJson());
    await initTfjsBackend();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // block_15_add feeds a chain through a 1×1 conv, a depthwise conv, batch norms and ReLU6s: the registered
  // depthwise backprop kernel is on the gradient's path. out_relu feeds only pooling and dense layers.
  for (const layer of ['out_relu', 'block_15_add']) {
    it(`Grad-CAM at ${layer}: same map on both backends; times printed`, async () => {
      const explain = (backend: string) => () => explainTfjsModel(modelJson, image, { layer, backend });
      await explain('wasm')();
      const wasm = await timed(explain('wasm'));
      const cpu = await timed(explain('cpu'));
      assert.equal(wasm.explanation.backend, 'wasm');
      assert.equal(cpu.explanation.backend, 'cpu');
      assert.equal(wasm.explanation.layer, layer);
      assert.deepEqual(wasm.explanation.cam.size, [7, 7]);
      assert.equal(wasm.explanation.targetClass, cpu.explanation.targetClass);
      const reference = Array.from(cpu.explanation.cam.data);
      assert.ok(reference.some((value) => value > 0));
      const similarity = cosine(wasm.explanation.cam.data, reference);
      const relative = maxRelativeError(wasm.explanation.cam.data, reference);
      console.log(`      ${layer}: wasm ${wasm.ms.toFixed(0)} ms, cpu ${cpu.ms.toFixed(0)} ms (load + forward + gradient); cosine ${similarity.toFixed(6)}, max rel err ${relative.toExponential(2)}`);
      assert.ok(similarity >= 0.9999, `cosine ${similarity}`);
      assert.ok(relative <= 1e-3, `max relative error ${relative}`);
    });
  }
});
