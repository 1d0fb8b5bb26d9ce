import type { OnnxModel } from '../onnx/codec';
import { encodeModel } from '../onnx/codec';
import { cosineSimilarity, sqnrDb } from './agreement';
import { ModelRunner } from './evaluate';
import type { LayerSensitivity } from './types';

export interface SensitivityCandidate { name: string; opType: string }

/**
 * Quantizes one node at a time (everything else float) and measures the error it alone adds at the model output:
 * SQNR in dB over the sample images and the mean output cosine. Ranked worst first.
 */
export async function layerSensitivity(
  candidates: SensitivityCandidate[],
  quantizeOnly: (name: string) => OnnxModel,
  samples: { data: Float32Array; dims: number[] }[],
  references: Float32Array[],
  excluded: Set<string>,
  onLayer?: (done: number, total: number, name: string) => void,
  threads?: number,
): Promise<LayerSensitivity[]> {
  const results: LayerSensitivity[] = [];
  for (const [index, candidate] of candidates.entries()) {
    onLayer?.(index, candidates.length, candidate.name);
    const model = quantizeOnly(candidate.name);
    const runner = await ModelRunner.open(encodeModel(model), model, threads);
    let signal = 0;
    let noise = 0;
    let cosineSum = 0;
    try {
      for (const [sample, input] of samples.entries()) {
        const output = await runner.run(input);
        const reference = references[sample];
        for (let i = 0; i < reference.length; i++) { signal += reference[i] ** 2; noise += (reference[i] - output[i]) ** 2; }
        cosineSum += cosineSimilarity(reference, output);
      }
    } finally {
      await runner.release();
    }
    results.push({ name: candidate.name, opType: candidate.opType, sqnrDb: sqnrDb(signal, noise), cosine: cosineSum / samples.length, excluded: excluded.has(candidate.name) });
  }
  return results.sort((a, b) => a.sqnrDb - b.sqnrDb);
}
