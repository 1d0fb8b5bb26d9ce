import { parseArgs } from 'node:util';
import { Explainer, type Explanation } from '../../explain/explainer';
import { explainTfjsWithLabels } from '../../preview/tfjs-explain';
import type { Preprocessing } from '../../images/types';
import { METHODS } from '../../explain/methods';
import { renderOverlay } from '../../explain/overlay';
import { resizeBilinear, type FloatMap } from '../../explain/tensor-math';
import { PREPROCESSING_FLAGS, PREPROCESSING_USAGE, preprocessingOverrides } from '../../images/flags';
import { writeFileAtomic } from '../../images/sidecar';

export const EXPLAIN_USAGE = `explain MODEL(.onnx|model.json) IMAGE --method ${Object.keys(METHODS).join('|')} [--layer NAME] [--class K|NAME] [--box N] [--labels FILE] [--out PNG] [--opacity 0.5] ${PREPROCESSING_USAGE} --json`;

type VerbExplanation = Pick<Explanation, 'method' | 'objective' | 'targetClass' | 'detection' | 'score' | 'cam' | 'preprocessing'> & {
  layer: { tensor: string; node: string; opType?: string; dims?: number[] } | null;
  probability: number | null;
  /** The target class's label (see resolveLabels), null when nothing names the classes. */
  label: string | null;
};

async function explainOnnx(model: string, image: string, method: string, layer: string | undefined, targetClass: string | undefined, box: number | undefined, labels: string | undefined, overrides: Partial<Preprocessing>): Promise<VerbExplanation> {
  const explainer = await Explainer.open(model, { overrides, sampleImage: image });
  try {
    const explanation = await explainer.explain(image, { method, layer, box, targetClass: targetClass === undefined ? undefined : explainer.resolveClass(targetClass, labels) });
    return { ...explanation, label: explainer.labels(labels).labels?.[explanation.targetClass] ?? null };
  } finally {
    await explainer.release();
  }
}

/** TensorFlow.js layers and graph models (model.json): every method through tfjs (gradients, scores); classes by index or label. */
async function explainTfjs(model: string, image: string, method: string, layer: string | undefined, targetClass: string | undefined, labels: string | undefined, overrides: Partial<Preprocessing>): Promise<VerbExplanation> {
  const { explanation, label } = await explainTfjsWithLabels({ model, image, method, layer, targetClass, labels, overrides });
  const target = explanation.layer === null ? null : { tensor: explanation.layer, node: explanation.layer, dims: explanation.layerDims ?? undefined };
  return { ...explanation, layer: target, probability: null, label };
}

/** Largest side of the map printed in JSON: maps at the input's resolution are resampled down to it. */
const MAX_JSON_CAM_SIDE = 64;

function compactCam(cam: FloatMap): { shape: [number, number]; values: number[]; sourceShape?: [number, number] } {
  const [height, width] = cam.size;
  if (Math.max(height, width) <= MAX_JSON_CAM_SIDE) return { shape: cam.size, values: Array.from(cam.data) };
  const scale = MAX_JSON_CAM_SIDE / Math.max(height, width);
  const shape: [number, number] = [Math.max(1, Math.round(height * scale)), Math.max(1, Math.round(width * scale))];
  return { shape, values: Array.from(resizeBilinear(cam.data, cam.size, shape)), sourceShape: cam.size };
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
      box: { type: 'string' },
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
  if (values.box !== undefined && !/^\d+$/.test(values.box)) throw new Error(`--box takes a box index (0, 1, …), not '${values.box}'`);
  const box = values.box === undefined ? undefined : Number(values.box);
  const tfjs = model.toLowerCase().endsWith('.json');
  if (tfjs && box !== undefined) throw new Error(`--box explains a box of an ONNX detection model; ${model} is a TensorFlow.js model`);
  const overrides = preprocessingOverrides(values);
  const started = performance.now();
  const explanation = tfjs
    ? await explainTfjs(model, image, values.method!, values.layer, values.class, values.labels, overrides)
    : await explainOnnx(model, image, values.method!, values.layer, values.class, box, values.labels, overrides);
  if (values.out) {
    const opacity = values.opacity === undefined ? 0.5 : Number(values.opacity);
    writeFileAtomic(values.out, await renderOverlay(image, explanation.preprocessing, explanation.cam, explanation.method, { opacity }));
  }
  const report = {
    model,
    image,
    method: explanation.method,
    objective: explanation.objective,
    layer: explanation.layer,
    class: explanation.targetClass,
    label: explanation.label,
    detection: explanation.detection ?? null,
    score: explanation.score,
    probability: explanation.probability,
    cam: compactCam(explanation.cam),
    preprocessing: explanation.preprocessing,
    overlay: values.out ?? null,
    timeMs: performance.now() - started,
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`${report.method} on ${report.layer?.tensor ?? 'input'} for ${report.objective.description}${report.label === null ? '' : ` (${report.label})`} (score ${report.score.toFixed(4)})${values.out ? ` → ${values.out}` : ''}`);
    const found = report.detection;
    if (found) console.log(`objective: detection box #${found.box} score ${found.score.toFixed(4)}, class ${found.class}${found.coordinates ? `, box [${found.coordinates.map((value) => value.toFixed(1)).join(', ')}]` : ''}`);
  }
  return 0;
}
