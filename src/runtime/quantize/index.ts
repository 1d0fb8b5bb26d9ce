import * as fs from 'node:fs';
import { encodeModel, readModelFile, type OnnxModel } from '../onnx/codec';
import { onnxInputFacts } from '../images/model-input';
import { resolvePreprocessing } from '../images/resolve';
import { writeFileAtomic } from '../images/sidecar';
import { inputDims } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { calibrate } from './calibrate';
import { classIndices, compareOnImages, cpuInt8Support, measureLatency, ModelRunner } from './evaluate';
import { QuantizeError } from './graph-edit';
import { listImageFolder, preprocessedImages, type ImageFolder, type SkippedImage } from './image-folder';
import { outputPath } from './output-path';
import { assertNotQuantized, prepareModel } from './prepare';
import { toFloat32 } from './prepare/float32';
import { applyQdq, calibratedTensors, planQdq, type KeptFloat, type StaticSettings, type TensorRange } from './qdq';
import type { QuantizeConfig, QuantizeEvent, QuantizeMode, QuantizeReport } from './types';
import { quantizeDynamic } from './dynamic';
import { convertToFloat16 } from './fp16';

export type { QuantizeConfig, QuantizeEvent, QuantizeReport } from './types';
export { QuantizeError } from './graph-edit';

const DEFAULT_PERCENTILE = 99.999;
const LATENCY_RUNS = 20;

type Emit = (event: QuantizeEvent) => void;

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new QuantizeError('cancelled');
}

export function staticSettings(config: QuantizeConfig, exclude = config.exclude ?? []): StaticSettings {
  return {
    perChannel: config.perChannel ?? true,
    activations: config.activations ?? 'uint8',
    symmetric: config.symmetric ?? false,
    reduceRange: config.reduceRange ?? false,
    exclude,
  };
}

interface RunContext {
  config: QuantizeConfig;
  original: OnnxModel;
  prepared: OnnxModel;
  inputName: string;
  preprocessing: Preprocessing;
  emit: Emit;
  signal?: AbortSignal;
  skipped: SkippedImage[];
}

function imagesOf(context: RunContext, folder: ImageFolder, limit: number | undefined) {
  return preprocessedImages(folder.images, context.preprocessing, limit ?? Infinity, (skipped) => context.skipped.push(skipped), context.signal);
}

interface Quantized {
  model: OnnxModel;
  quantizedNodes: number;
  keptFloat: KeptFloat[];
  calibration?: QuantizeReport['calibration'];
  /** Quantizes again with other exclusions, reusing the calibration. */
  requantize: (exclude: string[]) => Promise<Omit<Quantized, 'requantize' | 'calibration'>>;
}

/** Static mode: plan, calibrate once, insert QDQ. The calibrated ranges are kept for re-quantizing with exclusions. */
async function quantizeStatic(context: RunContext): Promise<Quantized> {
  const { config, prepared, emit } = context;
  if (!config.calibration) throw new QuantizeError('static quantization needs a folder of calibration images (--calib DIR)');
  const folder = listImageFolder(config.calibration);
  const settings = staticSettings(config);
  const plan = planQdq(prepared, settings);
  // Tensors any exclusion set may need: calibrate the plan without exclusions, so re-quantizing needs no new pass.
  const fullPlan = settings.exclude.length > 0 ? planQdq(prepared, { ...settings, exclude: [] }) : plan;
  const tensors = [...new Set([...calibratedTensors(fullPlan), ...calibratedTensors(plan)])];
  const method = config.method ?? 'minmax';
  const total = Math.min(folder.images.length, config.calibrationLimit ?? Infinity);
  emit({ type: 'stage', stage: 'calibrate', message: `calibrating ${tensors.length} tensors on ${total} images (${method})` });
  const { ranges, images } = await calibrate(prepared, context.inputName, tensors, imagesOf(context, folder, config.calibrationLimit), {
    method,
    percentile: config.percentile ?? DEFAULT_PERCENTILE,
    symmetric: settings.symmetric,
    onImage: (done) => emit({ type: 'progress', done, total, message: `calibration image ${done} of ${total}` }),
  });
  checkCancelled(context.signal);
  if (images === 0) throw new QuantizeError(`none of the ${folder.images.length} images in ${config.calibration} could be decoded (first: ${context.skipped[0]?.reason ?? 'unknown'})`);
  emit({ type: 'stage', stage: 'quantize', message: 'inserting QuantizeLinear/DequantizeLinear' });
  const calibration = { method, images, skipped: [...context.skipped] };
  const requantize = async (exclude: string[]) => requantizeWith(prepared, ranges, { ...settings, exclude });
  return { ...(await requantize(settings.exclude)), calibration, requantize };
}

export function requantizeWith(prepared: OnnxModel, ranges: Map<string, TensorRange>, settings: StaticSettings) {
  const plan = planQdq(prepared, settings);
  return { model: applyQdq(prepared, plan, ranges, settings), keptFloat: plan.keptFloat, quantizedNodes: plan.nodes.length };
}

async function quantizeDynamicMode(context: RunContext): Promise<Quantized> {
  const { config, prepared, emit } = context;
  const run = async (exclude: string[]) => {
    emit({ type: 'stage', stage: 'quantize', message: 'int8 weights; MatMul/Gemm activations quantized at run time' });
    const result = quantizeDynamic(prepared, { perChannel: config.perChannel ?? false, reduceRange: config.reduceRange ?? false, exclude });
    return { model: result.model, quantizedNodes: result.quantizedNodes, keptFloat: result.keptFloat };
  };
  return { ...(await run(config.exclude ?? [])), requantize: run };
}

async function convertFloat16Mode(context: RunContext): Promise<Quantized> {
  const { config, prepared, emit } = context;
  const run = async () => {
    emit({ type: 'stage', stage: 'quantize', message: 'float16 weights and compute' });
    const result = await convertToFloat16(prepared, config.keepIoFloat32 ?? false);
    return { model: result.model, quantizedNodes: result.convertedNodes, keptFloat: result.keptFloat };
  };
  return { ...(await run()), requantize: run };
}

/** The quantizer of each mode. */
const quantizers: Record<QuantizeMode, (context: RunContext) => Promise<Quantized>> = {
  static: quantizeStatic,
  dynamic: quantizeDynamicMode,
  fp16: convertFloat16Mode,
};

/** The figures of the report that compare the float and the quantized model. */
async function evaluate(context: RunContext, reference: OnnxModel, quantizedBytes: Uint8Array, quantizedModel: OnnxModel): Promise<Pick<QuantizeReport, 'agreement'> & { latency: [number, number]; accuracy?: { reference: number; quantized: number } }> {
  const { config, emit } = context;
  const floatRunner = await ModelRunner.open(reference, reference);
  const quantizedRunner = await ModelRunner.open(quantizedBytes, quantizedModel);
  try {
    const evaluationFolder = config.evaluation ?? config.calibration;
    const folder = evaluationFolder ? listImageFolder(evaluationFolder) : undefined;
    const zeros = { data: new Float32Array(inputDims(context.preprocessing).reduce((a, b) => a * b, 1)), dims: inputDims(context.preprocessing) };
    let sample = zeros;
    if (folder) for await (const image of imagesOf(context, folder, 1)) sample = image.input;
    emit({ type: 'stage', stage: 'evaluate', message: 'measuring latency (float and quantized, alternating)' });
    const latency = await measureLatency(floatRunner, quantizedRunner, sample, LATENCY_RUNS);
    if (!folder) return { latency };
    const total = Math.min(folder.images.length, config.evaluationLimit ?? Infinity);
    emit({ type: 'stage', stage: 'evaluate', message: `comparing outputs on ${total} images` });
    const classCount = (await floatRunner.run(sample)).length;
    const indices = classIndices(folder.classes, config.model, classCount);
    const comparison = await compareOnImages(floatRunner, quantizedRunner, imagesOf(context, folder, config.evaluationLimit),
      (image) => (image.className !== undefined ? indices.get(image.className) : undefined),
      (done) => emit({ type: 'progress', done, total, message: `evaluation image ${done} of ${total}` }));
    return { latency, agreement: comparison.agreement, accuracy: comparison.accuracy };
  } finally {
    await floatRunner.release();
    await quantizedRunner.release();
  }
}

/**
 * Quantizes an ONNX model as the config says, writes the result to a new file beside it (atomically; the model is
 * never written) and measures what it gains and costs. The CLI verb and the quantize worker both call this.
 */
export async function runQuantize(config: QuantizeConfig, onEvent: Emit = () => undefined, signal?: AbortSignal): Promise<QuantizeReport> {
  const emit: Emit = (event) => { checkCancelled(signal); onEvent(event); };
  if (!fs.existsSync(config.model)) throw new QuantizeError(`${config.model}: no such model file`);
  emit({ type: 'stage', stage: 'prepare', message: `reading ${config.model}` });
  const original = readModelFile(config.model);
  assertNotQuantized(original, config.model);
  const facts = onnxInputFacts(original);
  const prepared = prepareModel(original, (pass) => emit({ type: 'stage', stage: 'prepare', message: pass }));
  const context: RunContext = {
    config, original, prepared, emit, signal, skipped: [],
    inputName: facts.name,
    preprocessing: resolvePreprocessing(config.model, facts, config.preprocessing),
  };
  const result = await quantizers[config.mode](context);
  checkCancelled(signal);

  const output = outputPath(config.model, config.mode, config.out);
  const bytes = encodeModel(result.model);
  emit({ type: 'stage', stage: 'write', message: `writing ${output}` });
  writeFileAtomic(output, bytes);

  const reference = toFloat32(original);
  const figures = await evaluate(context, reference, bytes, result.model);
  const cpu = cpuInt8Support();
  const warnings: string[] = [];
  if (figures.latency[1] >= figures.latency[0]) {
    warnings.push(`the quantized model is not faster here (${figures.latency[1].toFixed(2)} ms against ${figures.latency[0].toFixed(2)} ms float; CPU int8 support: ${cpu})`);
  }
  return {
    mode: config.mode,
    output,
    original: { file: config.model, bytes: fs.statSync(config.model).size, latencyMs: figures.latency[0], accuracy: figures.accuracy?.reference },
    quantized: { file: output, bytes: bytes.length, latencyMs: figures.latency[1], accuracy: figures.accuracy?.quantized },
    cpuInt8Support: cpu,
    provider: 'cpu',
    warnings,
    agreement: figures.agreement,
    calibration: result.calibration,
    nodes: { quantized: result.quantizedNodes, keptFloat: result.keptFloat },
    exclusions: config.exclude ?? [],
  };
}
