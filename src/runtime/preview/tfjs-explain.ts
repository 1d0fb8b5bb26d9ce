import { explainTfjsModel } from '../explain/tfjs-gradcam';
import type { Preprocessing } from '../images/types';
import { inspectTfjs } from '../tfjs/inspect';
import { resolveClass, resolveLabels } from '../predict/labels';

export interface TfjsExplainRequest { model: string; image: string; method: string; layer?: string; targetClass?: string; labels?: string; overrides?: Partial<Preprocessing> }

/** The class count of the model's first output ([N, classes]) and its metadata, read from model.json without loading weights. */
function outputFacts(modelJson: string): { classCount: number | undefined; metadata: Record<string, string> } {
  const summary = inspectTfjs(modelJson);
  const shape = summary.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return { classCount: typeof last === 'number' ? last : undefined, metadata: summary.metadata };
}

/** An attribution map of a tfjs model (the preview panel, the CLI): the class by index or by label (see resolveLabels). */
export async function explainTfjsWithLabels(request: TfjsExplainRequest) {
  const { classCount: count, metadata } = outputFacts(request.model);
  const resolved = resolveLabels(request.model, count, { given: request.labels, metadata });
  const labels = resolved.labels;
  const targetClass = request.targetClass === undefined ? undefined : resolveClass(request.targetClass, resolved, count);
  const started = performance.now();
  const explanation = await explainTfjsModel(request.model, request.image, { method: request.method, layer: request.layer, targetClass, overrides: request.overrides });
  return { explanation, label: labels?.[explanation.targetClass] ?? null, timeMs: performance.now() - started };
}
