import * as path from 'node:path';
import { Explainer } from '../explain/explainer';
import type { DetectedBox } from '../explain/objective';
import { decodeImage } from '../images/decode';
import type { Preprocessing } from '../images/types';
import { encodePng } from '../predict/png';
import { isTfjsModelFile, Predictor, type OutputResult } from '../predict/predictor';
import { explainTfjsWithLabels } from './tfjs-explain';

/** What the Preview and Explain panel asks its worker for. */
export type PreviewRequest =
  | { action: 'predict'; model: string; images: string[]; labels?: string; top?: number; overrides?: Partial<Preprocessing> }
  | { action: 'explain'; model: string; image: string; method: string; layer?: string; /** An index or a label. */ targetClass?: string; /** A box index (detection models). */ box?: string; labels?: string; overrides?: Partial<Preprocessing> };

/** A PNG as base64, for data: URLs in the page. */
type Base64Png = string;

export type PreviewOutput =
  | Extract<OutputResult, { kind: 'classification' }>
  | (Omit<Extract<OutputResult, { kind: 'image' }>, 'png'> & { png?: Base64Png })
  | (Omit<Extract<OutputResult, { kind: 'segmentation' }>, 'png'> & { png?: Base64Png })
  | Extract<OutputResult, { kind: 'tensor' }>;

export interface PreviewPrediction {
  image: string;
  name: string;
  /** The image as the model sees it (after resizing), RGB. */
  picture: Base64Png;
  latencyMs: number;
  outputs: PreviewOutput[];
  error?: string;
}

export interface PredictResponse {
  action: 'predict';
  model: string;
  provider: string;
  /** Why the model runs on the CPU when a GPU provider was asked for and failed. */
  providerFallback?: string;
  preprocessing: Preprocessing;
  input: { name: string; dtype: string; dims: (number | string | null)[] };
  /** Where the labels come from: the labels file, or the model file itself when its metadata names the classes; null when none. */
  labelsFile: string | null;
  results: PreviewPrediction[];
}

export interface ExplainResponse {
  action: 'explain';
  model: string;
  image: string;
  method: string;
  layer: { tensor: string; node: string; dims: number[] } | null;
  /** What the score sums, by the output's kind (see outputObjective). */
  objective: string;
  targetClass: number;
  /** For detection models: the box explained. */
  detection?: DetectedBox;
  label: string | null;
  score: number;
  probability: number;
  cam: { size: [number, number]; values: number[] };
  picture: Base64Png;
  preprocessing: Preprocessing;
  timeMs: number;
}

export type PreviewResponse = PredictResponse | ExplainResponse;

async function picture(image: string, pre: Preprocessing): Promise<Base64Png> {
  return (await encodePng(await decodeImage(image, { size: pre.size, resize: pre.resize, channels: 'rgb' }))).toString('base64');
}

function toPreviewOutput(output: OutputResult): PreviewOutput {
  if (output.kind === 'image' || output.kind === 'segmentation') return { ...output, png: output.png?.toString('base64') };
  return output;
}

export async function runPreviewRequest(request: PreviewRequest, progress: (message: string) => void = () => {}): Promise<PreviewResponse> {
  if (request.action === 'predict') {
    const predictor = await Predictor.open(request.model, { labels: request.labels, top: request.top ?? 5, overrides: request.overrides, renderImages: true });
    try {
      const results: PreviewPrediction[] = [];
      for (const [index, image] of request.images.entries()) {
        progress(`${path.basename(image)} (${index + 1}/${request.images.length})`);
        try {
          const prediction = await predictor.predict(image);
          results.push({ image, name: path.basename(image), picture: await picture(image, predictor.preprocessing), latencyMs: prediction.latencyMs, outputs: prediction.outputs.map(toPreviewOutput) });
        } catch (error) {
          results.push({ image, name: path.basename(image), picture: '', latencyMs: 0, outputs: [], error: error instanceof Error ? error.message : String(error) });
        }
      }
      const classCounts = results.flatMap((result) => result.outputs.flatMap((output) => (output.kind === 'classification' ? [output.classCount] : [])));
      return {
        action: 'predict',
        model: request.model,
        provider: predictor.provider,
        providerFallback: predictor.providerFallback,
        preprocessing: predictor.preprocessing,
        input: { name: predictor.facts.name, dtype: predictor.facts.dtype, dims: predictor.facts.dims },
        labelsFile: classCounts.length > 0 ? predictor.labelsFor(classCounts[0]).file : null,
        results,
      };
    } finally {
      await predictor.release();
    }
  }
  progress(`${request.method} on ${path.basename(request.image)}`);
  if (request.box !== undefined && !/^\d+$/.test(request.box)) throw new Error(`the box to explain is an index (0, 1, …), not '${request.box}'`);
  if (isTfjsModelFile(request.model)) {
    if (request.box !== undefined) throw new Error(`a box is explained on ONNX detection models; ${path.basename(request.model)} is a TensorFlow.js model`);
    const { explanation, label, timeMs } = await explainTfjsWithLabels(request);
    return {
      action: 'explain',
      model: request.model,
      image: request.image,
      method: explanation.method,
      layer: explanation.layer === null ? null : { tensor: explanation.layer, node: explanation.layer, dims: explanation.layerDims ?? [] },
      objective: explanation.objective.description,
      targetClass: explanation.targetClass,
      label,
      score: explanation.score,
      probability: explanation.probability,
      cam: { size: explanation.cam.size, values: Array.from(explanation.cam.data) },
      picture: await picture(request.image, explanation.preprocessing),
      preprocessing: explanation.preprocessing,
      timeMs,
    };
  }
  const explainer = await Explainer.open(request.model, { overrides: request.overrides, sampleImage: request.image });
  try {
    const targetClass = request.targetClass === undefined ? undefined : explainer.resolveClass(request.targetClass, request.labels);
    const explanation = await explainer.explain(request.image, { method: request.method, layer: request.layer, targetClass, box: request.box === undefined ? undefined : Number(request.box) });
    const labels = explainer.labels(request.labels).labels;
    return {
      action: 'explain',
      model: request.model,
      image: request.image,
      method: explanation.method,
      layer: explanation.layer && { tensor: explanation.layer.tensor, node: explanation.layer.node, dims: explanation.layer.dims },
      objective: explanation.objective.description,
      targetClass: explanation.targetClass,
      ...(explanation.detection ? { detection: explanation.detection } : {}),
      label: labels?.[explanation.targetClass] ?? null,
      score: explanation.score,
      probability: explanation.probability,
      cam: { size: explanation.cam.size, values: Array.from(explanation.cam.data) },
      picture: await picture(request.image, explanation.preprocessing),
      preprocessing: explanation.preprocessing,
      timeMs: explanation.timings.totalMs,
    };
  } finally {
    await explainer.release();
  }
}
