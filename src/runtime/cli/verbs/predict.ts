import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PREPROCESSING_FLAGS, PREPROCESSING_USAGE, preprocessingOverrides } from '../../images/flags';
import { writeFileAtomic } from '../../images/sidecar';
import { Predictor } from '../../predict/predictor';

export const PREDICT_USAGE = `predict MODEL IMAGE... [--labels FILE] [--top K] [--out-dir DIR] ${PREPROCESSING_USAGE} --json`;

/** `predict`: runs a model on images and prints top-k classes (or dense output descriptions) with latency. */
export async function predictVerb(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...PREPROCESSING_FLAGS, labels: { type: 'string' }, top: { type: 'string' }, 'out-dir': { type: 'string' }, json: { type: 'boolean' } },
  });
  const [model, ...images] = positionals;
  if (!model || images.length === 0) {
    console.error(`usage: ${PREDICT_USAGE}`);
    return 2;
  }
  const top = values.top === undefined ? 5 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error('--top expects a positive integer');
  const outDir = values['out-dir'];
  const predictor = await Predictor.open(model, {
    labels: values.labels,
    top,
    overrides: preprocessingOverrides(values),
    renderImages: outDir !== undefined,
  });
  try {
    if (outDir) fs.mkdirSync(outDir, { recursive: true });
    const results = [];
    for (const [imageIndex, image] of images.entries()) {
      const prediction = await predictor.predict(image);
      const outputs = prediction.outputs.map((output) => {
        if ((output.kind === 'image' || output.kind === 'segmentation') && output.png && outDir) {
          const file = path.join(outDir, `${imageIndex}-${path.basename(image).replace(/\.[^.]+$/, '')}-${output.name.replace(/[^\w.-]+/g, '_')}.png`);
          writeFileAtomic(file, output.png);
          return { ...output, png: file };
        }
        return { ...output, png: undefined };
      });
      results.push({ ...prediction, outputs });
    }
    const resolved = [...new Set(results.flatMap((result) => result.outputs.flatMap((output) => (output.kind === 'classification' ? [predictor.labelsFor(output.classCount)] : []))))];
    const labels = resolved.map((entry) => entry.file);
    const labelsIgnored = resolved.flatMap((entry) => entry.ignored);
    const report = {
      model,
      provider: predictor.provider,
      providerFallback: predictor.providerFallback,
      input: { name: predictor.facts.name, dtype: predictor.facts.dtype, dims: predictor.facts.dims },
      preprocessing: predictor.preprocessing,
      labels: labels.length === 1 ? labels[0] : labels,
      labelSource: resolved.length === 1 ? resolved[0].source : resolved.map((entry) => entry.source),
      labelsIgnored,
      results,
    };
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      for (const reason of labelsIgnored) console.error(`labels ignored: ${reason}`);
      for (const result of results) {
        console.log(`${result.image}  (${result.latencyMs.toFixed(1)} ms on ${predictor.provider})`);
        for (const output of result.outputs) {
          if (output.kind === 'classification') {
            for (const entry of output.top) console.log(`  ${entry.index}\t${(entry.probability * 100).toFixed(2)}%\t${entry.label ?? ''}`);
          } else {
            console.log(`  ${output.name}: ${output.kind} ${JSON.stringify(output.dims)}${output.png ? ` → ${output.png}` : ''}`);
          }
        }
      }
    }
  } finally {
    await predictor.release();
  }
  return 0;
}
