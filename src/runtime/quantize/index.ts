import * as fs from 'node:fs';
import { encodeModel, readModelFile, type OnnxModel } from '../onnx/codec';
import { onnxInputFacts, onnxMetadata } from '../images/model-input';
import { resolvePreprocessing } from '../images/resolve';
import { writeFileAtomic } from '../images/sidecar';
import { inputDims } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { calibrate } from './calibrate';
import { classIndices, compareOnImages, cpuInt8Support, measureLatency, ModelRunner, type Comparison } from './evaluate';
import { explanationDrift } from './explanation-drift';
import { quantizeTfjsModel } from './tfjs-weights';
import { isTfjsModelFile } from '../predict/predictor';
import { layerSensitivity, type SensitivityCandidate } from './sensitivity';
import { QuantizeError } from './graph-edit';
import { listImageFolder, preprocessedImages, type ImageFolder, type SkippedImage } from './image-folder';
import { outputPath } from './output-path';
import { assertNotQuantized, prepareModel } from './prepare';
import { toFloat32 } from './prepare/float32';
import { applyQdq, calibratedTensors, planQdq, quantizeNodeName, type KeptFloat, type StaticSettings, type TensorRange } from './qdq';
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

/**
 * 7-bit weights by default where the CPU lacks VNNI: onnxruntime's AVX2/AVX-512 u8×s8 kernels add pairs of products
 * in 16 bits, which saturate with full 8-bit weights (SqueezeNet on raw 0-255 pixels fell to 3 dB SQNR).
 */
export function defaultReduceRange(cpu = cpuInt8Support()): boolean {
  return cpu === 'AVX2' || cpu === 'AVX-512';
}

function staticSettings(config: QuantizeConfig, exclude = config.exclude ?? []): StaticSettings {
  return {
    perChannel: config.perChannel ?? true,
    activations: config.activations ?? 'uint8',
    symmetric: config.symmetric ?? false,
    reduceRange: config.reduceRange ?? defaultReduceRange(),
    exclude,
  };
}

interface RunContext {
  config: QuantizeConfig;
  prepared: OnnxModel;
  inputName: string;
  preprocessing: Preprocessing;
  emit: Emit;
  signal?: AbortSignal;
  skipped: SkippedImage[];
  /** Length of the float model's first output. */
  classCount: number;
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
  requantize: (exclude: string[]) => Promise<Pick<Quantized, 'model' | 'quantizedNodes' | 'keptFloat'>>;
  /** Static mode: the model with only this node quantized, and the nodes that can be (for sensitivity). */
  quantizeOnly?: (name: string) => OnnxModel;
  candidates?: SensitivityCandidate[];
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
    threads: config.threads,
    onImage: (done) => emit({ type: 'progress', done, total, message: `calibration image ${done} of ${total}` }),
  });
  checkCancelled(context.signal);
  if (images === 0) throw new QuantizeError(`none of the ${folder.images.length} images in ${config.calibration} could be decoded (first: ${context.skipped[0]?.reason ?? 'unknown'})`);
  emit({ type: 'stage', stage: 'quantize', message: 'inserting QuantizeLinear/DequantizeLinear' });
  const calibration = { method, images, skipped: [...context.skipped] };
  const requantize = async (exclude: string[]) => requantizeWith(prepared, ranges, { ...settings, exclude });
  const quantizeOnly = (name: string) => requantizeWith(prepared, ranges, { ...settings, exclude: [], only: [name] }).model;
  const candidates = fullPlan.nodes.filter(({ role }) => role === 'weighted' || role === 'own-output').map(({ name, node }) => ({ name, opType: node.op_type }));
  return { ...(await requantize(settings.exclude)), calibration, requantize, quantizeOnly, candidates };
}

function requantizeWith(prepared: OnnxModel, ranges: Map<string, TensorRange>, settings: StaticSettings) {
  const plan = planQdq(prepared, settings);
  return { model: applyQdq(prepared, plan, ranges, settings), keptFloat: plan.keptFloat, quantizedNodes: plan.nodes.length };
}

async function quantizeDynamicMode(context: RunContext): Promise<Quantized> {
  const { config, prepared, emit } = context;
  const run = async (exclude: string[]) => {
    emit({ type: 'stage', stage: 'quantize', message: 'int8 weights; MatMul/Gemm activations quantized at run time' });
    const result = quantizeDynamic(prepared, { perChannel: config.perChannel ?? false, reduceRange: config.reduceRange ?? defaultReduceRange(), exclude });
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

const SENSITIVITY_SAMPLES = 16;
const MAX_AUTO_EXCLUSIONS = 10;

/** Agreement (and accuracy on labelled folders) of a candidate model against the float model. */
async function compareWithFloat(context: RunContext, floatRunner: ModelRunner, model: OnnxModel, bytes: Uint8Array) {
  const { config, emit } = context;
  const folderPath = config.evaluation ?? config.calibration;
  if (!folderPath) return undefined;
  const folder = listImageFolder(folderPath);
  const runner = await ModelRunner.open(bytes, model, config.threads);
  try {
    const total = Math.min(folder.images.length, config.evaluationLimit ?? Infinity);
    emit({ type: 'stage', stage: 'evaluate', message: `comparing outputs on ${total} images` });
    let indices: Map<string, number> | undefined;
    return await compareOnImages(floatRunner, runner, imagesOf(context, folder, config.evaluationLimit),
      (image) => {
        if (image.label === undefined) return undefined;
        indices ??= classIndices(folder.classes, config.model, context.classCount, onnxMetadata(model));
        return indices.get(image.label);
      },
      (done) => emit({ type: 'progress', done, total, message: `evaluation image ${done} of ${total}` }));
  } finally {
    await runner.release();
  }
}

/** Points lost: accuracy when the images are labelled, else top-1 agreement. */
function drop(comparison: Comparison | undefined): number {
  if (!comparison) return 0;
  if (comparison.accuracy) return 100 * (comparison.accuracy.reference - comparison.accuracy.quantized);
  return 100 * (1 - comparison.agreement.top1Agreement);
}

async function sensitivityOf(context: RunContext, floatRunner: ModelRunner, result: Quantized, excluded: string[]) {
  const { config, emit } = context;
  const folderPath = config.evaluation ?? config.calibration;
  if (!result.quantizeOnly || !folderPath) return undefined;
  emit({ type: 'stage', stage: 'sensitivity', message: 'quantizing one layer at a time' });
  const samples: { data: Float32Array; dims: number[] }[] = [];
  for await (const image of imagesOf(context, listImageFolder(folderPath), SENSITIVITY_SAMPLES)) samples.push(image.input);
  const references = [];
  for (const sample of samples) references.push(await floatRunner.run(sample));
  return layerSensitivity(result.candidates ?? [], result.quantizeOnly, samples, references, new Set(excluded),
    (done, total, name) => emit({ type: 'progress', done, total, message: `sensitivity of ${name}` }), config.threads);
}

/**
 * Quantizes an ONNX model as the config says, measures what it gains and costs, and writes the result to a new file
 * beside it (atomically; the model is never written). With an accuracy budget, the most sensitive layers are
 * excluded one by one until the drop fits. The CLI verb and the quantize worker both call this.
 */
export async function runQuantize(config: QuantizeConfig, onEvent: Emit = () => undefined, signal?: AbortSignal): Promise<QuantizeReport> {
  const emit: Emit = (event) => { checkCancelled(signal); onEvent(event); };
  if (!fs.existsSync(config.model)) throw new QuantizeError(`${config.model}: no such model file`);
  if (isTfjsModelFile(config.model)) return quantizeTfjsModel(config, emit);
  emit({ type: 'stage', stage: 'prepare', message: `reading ${config.model}` });
  const original = readModelFile(config.model);
  assertNotQuantized(original, config.model);
  const facts = onnxInputFacts(original);
  const prepared = prepareModel(original, (pass) => emit({ type: 'stage', stage: 'prepare', message: pass }));
  const known = new Set(prepared.graph.node.flatMap((node) => [quantizeNodeName(node), node.op_type]));
  const unknown = (config.exclude ?? []).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new QuantizeError(`--exclude names no node or op type of ${config.model}: ${unknown.join(', ')}`);
  const reference = toFloat32(original);
  const context: RunContext = {
    config, prepared, emit, signal, skipped: [], classCount: 0,
    inputName: facts.name,
    preprocessing: resolvePreprocessing(config.model, facts, config.preprocessing),
  };
  const result = await quantizers[config.mode](context);
  let current: Omit<Quantized, 'requantize'> = result;
  let bytes = encodeModel(current.model);

  const floatRunner = await ModelRunner.open(reference, reference, config.threads);
  try {
    const zeros = { data: new Float32Array(inputDims(context.preprocessing).reduce((a, b) => a * b, 1)), dims: inputDims(context.preprocessing) };
    context.classCount = (await floatRunner.run(zeros)).length;
    let comparison = await compareWithFloat(context, floatRunner, current.model, bytes);
    const exclusions = [...(config.exclude ?? [])];
    const wantsSensitivity = config.sensitivity || config.accuracyBudget !== undefined;
    let sensitivity = wantsSensitivity ? await sensitivityOf(context, floatRunner, result, exclusions) : undefined;
    if (config.accuracyBudget !== undefined && sensitivity) {
      for (const layer of sensitivity) {
        if (drop(comparison) <= config.accuracyBudget || exclusions.length - (config.exclude ?? []).length >= MAX_AUTO_EXCLUSIONS) break;
        if (exclusions.includes(layer.name)) continue;
        exclusions.push(layer.name);
        emit({ type: 'stage', stage: 'quantize', message: `drop ${drop(comparison).toFixed(2)} points > budget ${config.accuracyBudget}: excluding ${layer.name}` });
        current = { ...(await result.requantize(exclusions)), calibration: result.calibration };
        bytes = encodeModel(current.model);
        comparison = await compareWithFloat(context, floatRunner, current.model, bytes);
      }
      sensitivity = sensitivity.map((layer) => ({ ...layer, excluded: exclusions.includes(layer.name) }));
    }
    checkCancelled(signal);

    const output = outputPath(config.model, config.mode, config.out);
    emit({ type: 'stage', stage: 'write', message: `writing ${output}` });
    writeFileAtomic(output, bytes);

    emit({ type: 'stage', stage: 'evaluate', message: 'measuring latency (float and quantized, alternating)' });
    const quantizedRunner = await ModelRunner.open(bytes, current.model, config.threads);
    let latency: [number, number];
    try {
      let sample: { data: Float32Array; dims: number[] } = zeros;
      const folderPath = config.evaluation ?? config.calibration;
      if (folderPath) for await (const image of imagesOf(context, listImageFolder(folderPath), 1)) sample = image.input;
      latency = await measureLatency(floatRunner, quantizedRunner, sample, LATENCY_RUNS);
    } finally {
      await quantizedRunner.release();
    }
    const driftFolder = config.evaluation ?? config.calibration;
    let explanationDriftResult: QuantizeReport['explanationDrift'];
    if ((config.explanationDriftImages ?? 0) > 0 && driftFolder) {
      emit({ type: 'stage', stage: 'drift', message: 'Grad-CAM of the float and the quantized model' });
      const files = listImageFolder(driftFolder).images.slice(0, config.explanationDriftImages).map((image) => image.file);
      explanationDriftResult = await explanationDrift(config.model, output, files, config.preprocessing, { onEvent: emit });
    }
    const cpu = cpuInt8Support();
    const warnings: string[] = [];
    if (latency[1] >= latency[0]) {
      warnings.push(`the ${config.mode === 'fp16' ? 'float16' : 'int8'} model is not faster here (${latency[1].toFixed(2)} ms against ${latency[0].toFixed(2)} ms float32; CPU int8 support: ${cpu})`);
    }
    if (config.mode !== 'fp16' && config.reduceRange === undefined && defaultReduceRange(cpu)) {
      warnings.push(`weights use 7 bits (reduce-range): this CPU has ${cpu} without VNNI, where full 8-bit weights can saturate onnxruntime's int8 kernels`);
    }
    if (context.skipped.length > 0) warnings.push(`${context.skipped.length} image(s) could not be decoded and were skipped`);
    return {
      mode: config.mode,
      output,
      original: { file: config.model, bytes: fs.statSync(config.model).size, latencyMs: latency[0], accuracy: comparison?.accuracy?.reference },
      quantized: { file: output, bytes: bytes.length, latencyMs: latency[1], accuracy: comparison?.accuracy?.quantized },
      cpuInt8Support: cpu,
      provider: 'cpu',
      warnings,
      agreement: comparison?.agreement,
      calibration: result.calibration,
      nodes: { quantized: current.quantizedNodes, keptFloat: current.keptFloat },
      sensitivity,
      exclusions,
      explanationDrift: explanationDriftResult,
    };
  } finally {
    await floatRunner.release();
  }
}
