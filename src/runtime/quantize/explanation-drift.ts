import * as path from 'node:path';
import { Explainer } from '../explain/explainer';
import { minMaxNormalize } from '../explain/tensor-math';
import { imageToTensor } from '../images';
import type { Preprocessing } from '../images/types';
import { readModelFile } from '../onnx/codec';
import { argmax, cosineSimilarity } from './agreement';
import type { ExplanationDrift, QuantizeEvent } from './types';

export interface DriftOptions {
  /** The layer to explain in both models (node or tensor name); default: the float model's last layer with spatial extent. */
  layer?: string;
  onEvent?: (event: QuantizeEvent) => void;
}

/** The float model's layer in the quantized one: quantization keeps tensor and node names, so the tensor, else its node. */
function sameLayer(quantizedModel: string, tensor: string, node: string): string {
  const graph = readModelFile(quantizedModel).graph;
  if (graph.node.some((n) => n.output.includes(tensor))) return tensor;
  if (graph.node.some((n) => n.name === node)) return node;
  throw new Error(`${quantizedModel}: the float model's target layer ${node} (tensor ${tensor}) is not in the quantized model; choose a layer both have`);
}

/**
 * Grad-CAM of the float and the quantized model on the same images, same layer (by name) and same class (the float
 * model's top prediction), each map normalized to 0-1, with the cosine between them: whether quantization changed
 * what the model looks at, not only what it answers.
 */
export async function explanationDrift(floatModel: string, quantizedModel: string, images: string[], preprocessing?: Partial<Preprocessing>, options: DriftOptions = {}): Promise<ExplanationDrift[]> {
  if (images.length === 0) return [];
  const floatExplainer = await Explainer.open(floatModel, { overrides: preprocessing, sampleImage: images[0] });
  let quantizedExplainer: Explainer | undefined;
  try {
    quantizedExplainer = await Explainer.open(quantizedModel, { overrides: floatExplainer.preprocessing, sampleImage: images[0] });
    const drift: ExplanationDrift[] = [];
    for (const [index, image] of images.entries()) {
      const reference = await floatExplainer.explain(image, { method: 'gradcam', layer: options.layer });
      const layer = options.layer ?? sameLayer(quantizedModel, reference.layer!.tensor, reference.layer!.node);
      const quantized = await quantizedExplainer.explain(image, { method: 'gradcam', layer, targetClass: reference.targetClass });
      const { data } = await imageToTensor(image, quantizedExplainer.preprocessing);
      const floatCam = minMaxNormalize(reference.cam.data);
      const quantizedCam = minMaxNormalize(quantized.cam.data);
      if (floatCam.length !== quantizedCam.length) throw new Error(`Grad-CAM maps of ${reference.cam.size.join('×')} and ${quantized.cam.size.join('×')}: the layers differ`);
      drift.push({
        image,
        floatCam: { data: Array.from(floatCam), dims: reference.cam.size },
        quantizedCam: { data: Array.from(quantizedCam), dims: quantized.cam.size },
        cosine: cosineSimilarity(floatCam, quantizedCam),
        floatClass: reference.targetClass,
        quantizedClass: argmax((await quantizedExplainer.outputs(data)).output),
      });
      options.onEvent?.({ type: 'progress', done: index + 1, total: images.length, message: path.basename(image) });
    }
    return drift;
  } finally {
    await floatExplainer.release();
    await quantizedExplainer?.release();
  }
}
