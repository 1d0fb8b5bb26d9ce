import { eigenCam } from './eigencam';
import { gradCam } from './gradcam';
import { gradCamPlusPlus } from './gradcam-plus-plus';
import { integratedGradients } from './integrated-gradients';
import { layerCam } from './layercam';
import { occlusion } from './occlusion';
import { saliency } from './saliency';
import { scoreCam } from './scorecam';
import { smoothGrad } from './smoothgrad';
import type { AttributionMethod } from './types';

/** Every attribution method, by the name the CLI and the panel use. */
export const METHODS: Record<string, AttributionMethod> = Object.fromEntries(
  [gradCam, gradCamPlusPlus, scoreCam, eigenCam, layerCam, saliency, smoothGrad, integratedGradients, occlusion].map((method) => [method.name, method]),
);

/**
 * The methods that run on a model: all of them on ONNX models and tfjs layers models; none yet on tfjs graph models
 * (their layers cannot be split for layer gradients, and their outputs are mostly detections and landmarks).
 */
export function methodsForModel(modelFile: string | null, readJson: (file: string) => { format?: string; modelTopology?: { node?: unknown } }): AttributionMethod[] {
  if (modelFile && /\.json$/i.test(modelFile)) {
    const json = readJson(modelFile);
    if (json.format === 'graph-model' || json.modelTopology?.node) return [];
  }
  return Object.values(METHODS);
}

export function attributionMethod(name: string): AttributionMethod {
  const method = METHODS[name.toLowerCase()];
  if (!method) throw new Error(`unknown method "${name}"; one of ${Object.keys(METHODS).join(', ')}`);
  return method;
}

export type { AttributionMethod, ExplainContext, Activation } from './types';
