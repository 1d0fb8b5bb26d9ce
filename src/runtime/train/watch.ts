import * as fs from 'node:fs';
import * as path from 'node:path';
import { Explainer } from '../explain/explainer';
import { renderOverlay } from '../explain/overlay';
import { explainTfjsModel } from '../explain/tfjs-gradcam';
import type { Preprocessing } from '../images/types';
import type { StepEngine } from './types';

/**
 * Grad-CAM of chosen images through the model as trained so far: the engine writes its model to a scratch file beside
 * the checkpoints and the project's explain code reads it, as it would the finished model. PNGs come back as base64.
 */
export async function explainTrainedModel(engine: StepEngine, out: string, preprocessing: Preprocessing, images: string[]): Promise<{ image: string; png: string }[]> {
  const scratch = path.join(`${out}.checkpoints`, 'watch');
  fs.mkdirSync(scratch, { recursive: true });
  const tfjs = out.toLowerCase().endsWith('.json');
  const model = path.join(scratch, tfjs ? 'model.json' : 'model.onnx');
  await engine.save(model);
  const pictures: { image: string; png: string }[] = [];
  if (tfjs) {
    for (const image of images) {
      const explanation = await explainTfjsModel(model, image, { method: 'gradcam', overrides: preprocessing });
      pictures.push({ image, png: (await renderOverlay(image, explanation.preprocessing, explanation.cam, explanation.method)).toString('base64') });
    }
    return pictures;
  }
  const explainer = await Explainer.open(model, { overrides: preprocessing, sampleImage: images[0] });
  try {
    for (const image of images) {
      const explanation = await explainer.explain(image, { method: 'gradcam' });
      pictures.push({ image, png: (await renderOverlay(image, explanation.preprocessing, explanation.cam, explanation.method)).toString('base64') });
    }
  } finally {
    await explainer.release();
  }
  return pictures;
}
