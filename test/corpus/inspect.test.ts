import * as assert from 'node:assert/strict';
import { inspectModel } from '../../src/runtime/inspect';
import type { ModelSummary } from '../../src/runtime/inspect/types';
import { readModelJson } from '../../src/runtime/tfjs/inspect';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { profiledMacs } from './tfjs-profile';
import { recordResult } from './results';

describe('corpus: inspect TensorFlow.js models', function () {
  this.timeout(120_000);
  for (const model of corpus.filter((m) => m.format !== 'onnx')) {
    describe(model.id, () => {
      let file: string;
      let summary: ModelSummary;
      before(async function () {
        if (!corpusAvailable(model)) this.skip();
        file = corpusFile(model);
        summary = await inspectModel(file);
      });

      it('counts every float weight of the manifest once, credited to layers that compute (not to Const nodes)', () => {
        const json = readModelJson(file);
        const floats = (json.weightsManifest ?? []).flatMap((g) => g.weights).filter((w) => w.dtype === 'float32' || w.dtype === 'float16');
        assert.equal(summary.params, floats.reduce((sum, w) => sum + w.shape.reduce((p, d) => p * d, 1), 0));
        assert.equal(summary.layers.reduce((sum, layer) => sum + layer.params, 0), summary.params);
        assert.ok(summary.layers.every((layer) => layer.type !== 'Const'));
        recordResult(model.id, { params: summary.params });
      });

      it('counts MACs within 2% of tfjs\'s own kernel profile, or says they are unknown (open spatial dims only)', async () => {
        const dynamic = summary.inputs.some((input) => input.shape?.slice(1).some((d) => typeof d !== 'number'));
        if (summary.macs === null) {
          // Only open spatial dims may leave MACs unknown (a model that resizes its input inside still has them).
          assert.ok(dynamic, 'MACs unknown on a static-shape model');
          recordResult(model.id, { macs: null, macsReference: null });
          return;
        }
        const reference = await profiledMacs(file, summary);
        recordResult(model.id, { macs: summary.macs, macsReference: reference.macs });
        assert.ok(reference.macs > 0, `profile saw no MAC kernels: ${reference.kernels.join(', ')}`);
        assert.notEqual(summary.macs, null, 'MACs unknown');
        assert.ok(Math.abs(summary.macs! - reference.macs) <= 0.02 * reference.macs, `ours ${summary.macs}, tfjs profile ${reference.macs}`);
      });
    });
  }
});
