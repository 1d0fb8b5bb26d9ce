import { parseArgs } from 'node:util';
import { Explainer } from '../../explain/explainer';
import { METHODS } from '../../explain/methods';
import { renderOverlay } from '../../explain/overlay';
import { PREPROCESSING_FLAGS, PREPROCESSING_USAGE, preprocessingOverrides } from '../../images/flags';
import { writeFileAtomic } from '../../images/sidecar';
import { findLabelsFile, readLabels } from '../../predict/labels';

export const EXPLAIN_USAGE = `explain MODEL IMAGE --method ${Object.keys(METHODS).join('|')} [--layer NAME] [--class K|NAME] [--labels FILE] [--out PNG] [--opacity 0.5] ${PREPROCESSING_USAGE} --json`;

/** A class given as an index, or as a label (exact, else the one label containing it) from the model's labels file. */
function resolveClass(explainer: Explainer, text: string | undefined, labelsFile?: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const classCount = explainer.shapes[explainer.output].reduce((product, dim) => product * dim, 1);
  const file = labelsFile ?? findLabelsFile(explainer.modelFile, classCount);
  if (!file) throw new Error(`--class ${text}: no labels file with ${classCount} labels next to the model; give --labels`);
  const labels = readLabels(file).map((label) => label.toLowerCase());
  const wanted = text.toLowerCase();
  const exact = labels.indexOf(wanted);
  if (exact >= 0) return exact;
  const synonym = labels.flatMap((label, index) => (label.split(/,\s*/).includes(wanted) ? [index] : []));
  if (synonym.length === 1) return synonym[0];
  const partial = labels.flatMap((label, index) => (label.includes(wanted) ? [index] : []));
  if (partial.length !== 1) throw new Error(`--class ${text} matches ${partial.length} labels in ${file}`);
  return partial[0];
}

/** `explain`: an attribution map for one image, its raw values at the target layer's resolution, and an optional overlay PNG. */
export async function explainVerb(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...PREPROCESSING_FLAGS,
      method: { type: 'string', default: 'gradcam' },
      layer: { type: 'string' },
      class: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      opacity: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [model, image] = positionals;
  if (!model || !image || positionals.length > 2) {
    console.error(`usage: ${EXPLAIN_USAGE}`);
    return 2;
  }
  const overrides = preprocessingOverrides(values);
  const explainer = await Explainer.open(model, { overrides, sampleImage: image });
  try {
    const explanation = await explainer.explain(image, { method: values.method!, layer: values.layer, targetClass: resolveClass(explainer, values.class, values.labels) });
    if (values.out) {
      const opacity = values.opacity === undefined ? 0.5 : Number(values.opacity);
      writeFileAtomic(values.out, await renderOverlay(image, explanation.preprocessing, explanation.cam, { opacity }));
    }
    const report = {
      model,
      image,
      method: explanation.method,
      layer: explanation.layer,
      class: explanation.targetClass,
      score: explanation.score,
      probability: explanation.probability,
      cam: { shape: explanation.cam.size, values: Array.from(explanation.cam.data) },
      preprocessing: explanation.preprocessing,
      overlay: values.out ?? null,
      timeMs: explanation.timings.totalMs,
    };
    if (values.json) console.log(JSON.stringify(report));
    else console.log(`${report.method} on ${report.layer?.tensor ?? 'input'} for class ${report.class} (score ${report.score.toFixed(4)})${values.out ? ` → ${values.out}` : ''}`);
  } finally {
    await explainer.release();
  }
  return 0;
}
