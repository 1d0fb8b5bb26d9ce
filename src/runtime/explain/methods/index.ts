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

export function attributionMethod(name: string): AttributionMethod {
  const method = METHODS[name.toLowerCase()];
  if (!method) throw new Error(`unknown method "${name}"; one of ${Object.keys(METHODS).join(', ')}`);
  return method;
}

export type { AttributionMethod, ExplainContext, Activation } from './types';
