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
import { gradientBlocker, graphIo } from '../../tfjs/graph-gradients';
import type { ModelJson } from '../../tfjs/manifest';

/** Every attribution method, by the name the CLI and the panel use. */
export const METHODS: Record<string, AttributionMethod> = Object.fromEntries(
  [gradCam, gradCamPlusPlus, scoreCam, eigenCam, layerCam, saliency, smoothGrad, integratedGradients, occlusion].map((method) => [method.name, method]),
);

/**
 * The methods that run on a model: all of them on ONNX models and tfjs layers models; on tfjs graph models, the
 * gradient methods only where tfjs can backpropagate from the input to the explained output (gradientBlocker).
 */
export function methodsForModel(modelFile: string | null, readJson: (file: string) => ModelJson): AttributionMethod[] {
  const all = Object.values(METHODS);
  if (!modelFile || !/\.json$/i.test(modelFile)) return all;
  const json = readJson(modelFile);
  if (json.format !== 'graph-model' && !json.modelTopology?.node) return all;
  const { input, output } = graphIo(json);
  return gradientBlocker(json, input, output) ? all.filter((method) => !method.gradients) : all;
}

export function attributionMethod(name: string): AttributionMethod {
  const method = METHODS[name.toLowerCase()];
  if (!method) throw new Error(`unknown method "${name}"; one of ${Object.keys(METHODS).join(', ')}`);
  return method;
}

export type { AttributionMethod, ExplainContext, Activation } from './types';
