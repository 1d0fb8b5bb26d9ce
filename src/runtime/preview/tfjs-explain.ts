import { explainTfjsModel } from '../explain/tfjs-gradcam';
import type { Preprocessing } from '../images/types';
import { inspectTfjs } from '../tfjs/inspect';
import { readLabels, resolveClass, resolveLabelsFile } from '../predict/labels';

export interface TfjsExplainRequest { model: string; image: string; method: string; layer?: string; targetClass?: string; labels?: string; overrides?: Partial<Preprocessing> }

/** The class count of the model's first output ([N, classes]), read from model.json without loading weights. */
function classCount(modelJson: string): number | undefined {
  const shape = inspectTfjs(modelJson).outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}

/** An attribution map of a tfjs layers model for the preview panel: the class by index or by label. */
export async function explainTfjsForPreview(request: TfjsExplainRequest) {
  const count = classCount(request.model);
  const labelsFile = resolveLabelsFile(request.model, count, request.labels);
  const labels = labelsFile ? readLabels(labelsFile) : undefined;
  const targetClass = request.targetClass === undefined ? undefined : resolveClass(request.targetClass, labelsFile, count);
  const started = performance.now();
  const explanation = await explainTfjsModel(request.model, request.image, { method: request.method, layer: request.layer, targetClass, overrides: request.overrides });
  return { explanation, label: labels?.[explanation.targetClass] ?? null, timeMs: performance.now() - started };
}
