import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { listFolderImages, type FolderImage } from '../images/folder';
import { float32ToFloat16 } from '../onnx/dtypes';
import { classIndexByName } from '../predict/labels';
import { encodePng } from '../predict/png';
import { Predictor } from '../predict/predictor';
import { readTfjsArtifacts } from '../predict/tfjs-model';
import { readModelJson } from '../tfjs/inspect';
import type { ManifestWeight } from '../tfjs/manifest';
import { tfjsModelBytes, writeTfjsModel } from '../tfjs/write-model';
import { AgreementTally, argmax, median } from './agreement';
import type { ModelFigures, QuantizeConfig, QuantizeEvent, QuantizeReport, TfjsWeightDtype } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadTf = () => require('@tensorflow/tfjs') as typeof Tf;

/** Bytes per stored element by manifest dtype (the quantized dtype when there is one). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
const QUANT_MAX = { uint8: 255, uint16: 65535 } as const;

/** numpy's np.round: halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Affine quantization as tfjs-converter does it (quantization.py): the range [min, max] of the tensor is mapped onto
 * 0..255 or 0..65535; when it contains 0 the range is nudged so that 0 is exactly representable (zero padding stays
 * exact); a constant tensor is stored as zeros with min = the value and scale 1. The loader computes q·scale + min.
 */
export function affineQuantize(values: Float32Array, dtype: 'uint8' | 'uint16'): { data: Uint8Array | Uint16Array; min: number; scale: number } {
  const quantMax = QUANT_MAX[dtype];
  const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (values.length === 0) return { data, min: 0, scale: 1 };
  if (min === max) return { data, min, scale: 1 };
  const scale = (max - min) / quantMax;
  if (min <= 0 && 0 <= max) {
    const zeroPoint = roundHalfEven(-min / scale);
    min = -zeroPoint * scale;
    max = quantMax * scale + min;
  }
  for (let i = 0; i < values.length; i++) {
    const clipped = Math.min(max, Math.max(min, values[i]));
    data[i] = Math.min(quantMax, roundHalfEven((clipped - min) / scale));
  }
  return { data, min, scale };
}

export function toFloat16(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, float32ToFloat16);
}

/** fnmatch-style wildcards, as tfjs-converter's --quantize_* flags take them: * any run, ? one character, [seq]. */
function wildcardPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && pattern.indexOf(']', i + 1) > i + 1) {
      const end = pattern.indexOf(']', i + 1);
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      source += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The float32 weights a selection names (all of them when it is empty); a pattern that matches none is an error. */
export function selectWeights(weights: ManifestWeight[], patterns: string[] | undefined, modelJson: string): Set<string> {
  const floats = weights.filter((w) => w.dtype === 'float32').map((w) => w.name);
  if (!patterns || patterns.length === 0) return new Set(floats);
  const selected = new Set<string>();
  for (const pattern of patterns) {
    const regex = wildcardPattern(pattern);
    const matches = floats.filter((name) => regex.test(name));
    if (matches.length === 0) throw new Error(`${modelJson}: no float32 weight matches "${pattern}" (weights are named like "${floats[0] ?? '?'}")`);
    matches.forEach((name) => selected.add(name));
  }
  return selected;
}

function elementCount(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function storedBytes(weight: ManifestWeight, modelJson: string): number {
  const dtype = weight.quantization?.dtype ?? weight.dtype;
  const bytes = STORED_BYTES[dtype];
  if (bytes === undefined) throw new Error(`${modelJson}: weight "${weight.name}" has dtype ${dtype}, which weight quantization cannot carry over`);
  return elementCount(weight.shape) * bytes;
}

/** Default output: `<model folder>-<dtype>/model.json` beside the model's folder. */
export function defaultTfjsOutput(modelJson: string, dtype: TfjsWeightDtype): string {
  return path.join(`${path.dirname(path.resolve(modelJson))}-${dtype}`, path.basename(modelJson));
}

interface QuantizedWeights { weights: ManifestWeight[]; data: Uint8Array; quantized: number; keptFloat: { name: string; opType: string; reason: string }[] }

/** Re-encodes the selected weights (decoded by tfjs's own loader, so already-quantized models come back as float32). */
function quantizeWeights(modelJson: string, dtype: TfjsWeightDtype, patterns: string[] | undefined, onEvent?: (event: QuantizeEvent) => void): QuantizedWeights {
  const tf = loadTf();
  const artifacts = readTfjsArtifacts(modelJson);
  const specs = artifacts.weightSpecs as ManifestWeight[];
  const source = new Uint8Array(artifacts.weightData as ArrayBuffer);
  const selected = selectWeights(specs, patterns, modelJson);
  const parts: Uint8Array[] = [];
  const weights: ManifestWeight[] = [];
  const keptFloat: QuantizedWeights['keptFloat'] = [];
  let offset = 0;
  let quantized = 0;
  for (const [index, spec] of specs.entries()) {
    const size = storedBytes(spec, modelJson);
    const raw = source.subarray(offset, offset + size);
    offset += size;
    if (!selected.has(spec.name)) {
      parts.push(raw);
      weights.push(spec);
      keptFloat.push({ name: spec.name, opType: 'weight', reason: spec.dtype === 'float32' ? 'not selected' : `${spec.dtype} weights are not quantized` });
      continue;
    }
    const tensor = tf.io.decodeWeights(raw.slice().buffer, [spec as Tf.io.WeightsManifestEntry])[spec.name];
    const values = tensor.dataSync() as Float32Array;
    tensor.dispose();
    const entry: ManifestWeight = { name: spec.name, shape: spec.shape, dtype: 'float32' };
    if (dtype === 'float16') {
      parts.push(new Uint8Array(toFloat16(values).buffer));
      entry.quantization = { dtype: 'float16' };
    } else {
      const { data, min, scale } = affineQuantize(values, dtype);
      parts.push(new Uint8Array(data.buffer));
      entry.quantization = { dtype, min, scale };
    }
    weights.push(entry);
    quantized++;
    onEvent?.({ type: 'progress', done: index + 1, total: specs.length, message: spec.name });
  }
  if (offset !== source.length) throw new Error(`${modelJson}: the manifest describes ${offset} weight bytes but the shards hold ${source.length}`);
  const data = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { weights, data, quantized, keptFloat };
}

/** A mid-grey picture, for timing when no evaluation folder is given. */
async function greyImage(size: [number, number]): Promise<Buffer> {
  const [height, width] = size;
  return encodePng({ data: new Uint8Array(height * width * 3).fill(128), width, height, channels: 3 });
}

/** The class index an evaluation subfolder names (digits, or a label of the model's labels file), else undefined. */
function labelIndex(label: string, labels: readonly string[] | null): number | undefined {
  if (/^\d+$/.test(label)) return Number(label);
  if (!labels) return undefined;
  try {
    return classIndexByName(labels, label);
  } catch {
    return undefined;
  }
}

/** Runs both models on the same images alternately: latency medians, output agreement and, on labelled folders, accuracy. */
async function evaluate(original: string, quantized: string, folderImages: FolderImage[] | undefined, config: QuantizeConfig, onEvent?: (event: QuantizeEvent) => void) {
  const floatModel = await Predictor.open(original, { overrides: config.preprocessing });
  const quantModel = await Predictor.open(quantized, { overrides: floatModel.preprocessing });
  try {
    const images: (FolderImage | { file: Buffer; label?: undefined })[] = folderImages ?? [{ file: await greyImage(floatModel.preprocessing.size) }];
    await floatModel.forward(images[0].file);
    await quantModel.forward(images[0].file);
    const tally = new AgreementTally();
    const latencies: [number[], number[]] = [[], []];
    const correct = [0, 0];
    let labelled = images.every((image) => image.label !== undefined);
    for (const [i, image] of images.entries()) {
      const a = await floatModel.forward(image.file);
      const b = await quantModel.forward(image.file);
      latencies[0].push(a.latencyMs);
      latencies[1].push(b.latencyMs);
      const reference = a.outputs[0].values;
      const candidate = b.outputs[0].values;
      tally.add(reference, candidate);
      if (labelled) {
        const expected = labelIndex(image.label!, floatModel.labelsFor(reference.length).labels);
        if (expected === undefined) labelled = false;
        else {
          if (argmax(reference) === expected) correct[0]++;
          if (argmax(candidate) === expected) correct[1]++;
        }
      }
      onEvent?.({ type: 'progress', done: i + 1, total: images.length, message: typeof image.file === 'string' ? path.basename(image.file) : 'grey image' });
    }
    return {
      provider: floatModel.provider,
      latencyMs: [median(latencies[0]), median(latencies[1])],
      accuracy: labelled ? [correct[0] / images.length, correct[1] / images.length] : undefined,
      agreement: folderImages ? tally.result() : undefined,
    };
  } finally {
    await floatModel.release();
    await quantModel.release();
  }
}

/**
 * tfjs weight quantization (layers and graph models): the float32 weights chosen by `config.tfjsWeights` (names or
 * wildcards; default all) are stored as uint8/uint16 (affine, with min and scale in the manifest) or float16, in the
 * weights-manifest format tfjs-converter writes, so tfjs's own loader dequantizes them. The topology is copied as it
 * is; the result goes to a new folder (`<model folder>-<dtype>/model.json` by default). Both models are then run on
 * the evaluation images (or a grey image) for latency, agreement and accuracy.
 */
export async function quantizeTfjsModel(config: QuantizeConfig, onEvent?: (event: QuantizeEvent) => void): Promise<QuantizeReport> {
  const dtype = config.tfjsDtype ?? 'uint8';
  if (!(dtype in QUANT_MAX) && dtype !== 'float16') throw new Error(`tfjs weight dtype "${dtype}": use uint8, uint16 or float16`);
  const out = config.out ?? defaultTfjsOutput(config.model, dtype);
  onEvent?.({ type: 'stage', stage: 'prepare', message: `reading ${config.model}` });
  const { weightsManifest, ...json } = readModelJson(config.model);
  const folder = config.evaluation ?? config.calibration;
  const folderImages = folder ? listFolderImages(folder).slice(0, config.evaluationLimit ?? Infinity) : undefined;
  onEvent?.({ type: 'stage', stage: 'quantize', message: `weights to ${dtype}` });
  const result = quantizeWeights(config.model, dtype, config.tfjsWeights, onEvent);
  onEvent?.({ type: 'stage', stage: 'write', message: out });
  writeTfjsModel(out, json, result.weights, result.data);
  onEvent?.({ type: 'stage', stage: 'evaluate', message: 'running both models' });
  const evaluation = await evaluate(config.model, out, folderImages, config, onEvent);
  const figures = (file: string, which: 0 | 1): ModelFigures => ({
    file,
    bytes: tfjsModelBytes(file, which === 0 ? { weightsManifest } : readModelJson(file)),
    latencyMs: evaluation.latencyMs[which],
    accuracy: evaluation.accuracy?.[which],
  });
  return {
    mode: config.mode,
    output: out,
    original: figures(config.model, 0),
    quantized: figures(out, 1),
    cpuInt8Support: 'not used: tfjs dequantizes weights to float32 when it loads them',
    provider: evaluation.provider,
    warnings: ['tfjs weight quantization makes the download smaller; the weights are float32 again once loaded, so compute and latency do not change'],
    agreement: evaluation.agreement,
    nodes: { quantized: result.quantized, keptFloat: result.keptFloat },
  };
}
