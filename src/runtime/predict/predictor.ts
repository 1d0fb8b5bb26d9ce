import * as path from 'node:path';
import { decodeImage } from '../images/decode';
import { onnxInputFacts, type ModelInputFacts } from '../images/model-input';
import { toFloat32Model } from '../explain/float32-model';
import { readModelFile } from '../onnx/codec';
import { resolvePreprocessing } from '../images/resolve';
import { readSettings } from '../images/sidecar';
import { inputDims, pixelsToTensor } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { classify, type Classification } from './classify';
import { maskOverlay, outputKind, outputToPixels, segmentationMask, summarizeTensor, type LegendEntry, type TensorSummary } from './dense';
import { findLabelsFile, readLabels } from './labels';
import { floatTensor, loadOnnxRuntime, openSession, tensorToFloat32, type LoadedSession } from './onnx-runtime';
import { encodePng } from './png';

export interface PredictorOptions {
  /** Labels file; default: the sidecar's, else one found next to the model with the right class count. */
  labels?: string;
  top?: number;
  overrides?: Partial<Preprocessing>;
  /** Render image-like and segmentation outputs as PNG. */
  renderImages?: boolean;
}

interface OutputBase { name: string; dims: number[] }
export type OutputResult =
  | (OutputBase & { kind: 'classification' } & Classification)
  | (OutputBase & { kind: 'image'; summary: TensorSummary; png?: Buffer })
  | (OutputBase & { kind: 'segmentation'; legend: LegendEntry[]; png?: Buffer })
  | (OutputBase & { kind: 'tensor'; summary: TensorSummary });

export interface ImagePrediction {
  image: string;
  /** Time of the forward pass alone, in milliseconds. */
  latencyMs: number;
  preprocessMs: number;
  outputs: OutputResult[];
}

/** One open model that predicts on images with a fixed preprocessing. */
export class Predictor {
  private constructor(
    readonly modelFile: string,
    readonly facts: ModelInputFacts,
    readonly preprocessing: Preprocessing,
    private readonly loaded: LoadedSession,
    /** The dtype the session is fed: float32 for float16 models, which run converted. */
    readonly runInputDtype: string,
    private readonly options: PredictorOptions,
    private labelsByCount = new Map<number, { file: string | null; labels?: string[] }>(),
  ) {}

  static async open(modelFile: string, options: PredictorOptions = {}): Promise<Predictor> {
    const model = readModelFile(modelFile);
    const facts = onnxInputFacts(model);
    const preprocessing = resolvePreprocessing(modelFile, facts, options.overrides);
    const runnable = toFloat32Model(model);
    const loaded = await openSession(runnable);
    const runInputDtype = onnxInputFacts(runnable).dtype;
    return new Predictor(modelFile, facts, preprocessing, loaded, runInputDtype, options);
  }

  get provider(): string {
    return this.loaded.provider;
  }

  /** The labels file used for outputs of `classCount` classes, or null. */
  labelsFor(classCount: number): { file: string | null; labels?: string[] } {
    const cached = this.labelsByCount.get(classCount);
    if (cached) return cached;
    const remembered = readSettings(this.modelFile).labels;
    const given = this.options.labels ?? (remembered ? path.resolve(path.dirname(this.modelFile), remembered) : undefined);
    const file = given ?? findLabelsFile(this.modelFile, classCount) ?? null;
    const entry = file ? { file, labels: readLabels(file) } : { file: null };
    this.labelsByCount.set(classCount, entry);
    return entry;
  }

  /** Runs the model on the preprocessed image and returns every output, raw, as float32. */
  async forward(image: string | Buffer): Promise<{ outputs: { name: string; dims: number[]; values: Float32Array }[]; latencyMs: number; preprocessMs: number }> {
    const ort = loadOnnxRuntime();
    const started = performance.now();
    const pixels = await decodeImage(image, this.preprocessing);
    const input = floatTensor(ort, this.runInputDtype, pixelsToTensor(pixels, this.preprocessing), inputDims(this.preprocessing));
    const preprocessMs = performance.now() - started;
    const runStarted = performance.now();
    const results = await this.loaded.session.run({ [this.facts.name]: input });
    const latencyMs = performance.now() - runStarted;
    const outputs = this.loaded.session.outputNames.map((name) => ({ name, dims: results[name].dims.map(Number), values: tensorToFloat32(results[name]) }));
    return { outputs, latencyMs, preprocessMs };
  }

  async predict(image: string | Buffer): Promise<ImagePrediction> {
    const { outputs, latencyMs, preprocessMs } = await this.forward(image);
    const top = this.options.top ?? 5;
    const described: OutputResult[] = [];
    for (const { name, dims, values } of outputs) {
      const kind = outputKind(dims);
      if (kind === 'classification') {
        described.push({ name, dims, kind, ...classify(values, top, this.labelsFor(values.length).labels) });
      } else if (kind === 'image') {
        const png = this.options.renderImages ? await encodePng(outputToPixels(dims, values)) : undefined;
        described.push({ name, dims, kind, summary: summarizeTensor(dims, values), png });
      } else if (kind === 'segmentation') {
        const mask = segmentationMask(dims, values, this.labelsFor(dims[1]).labels);
        let png: Buffer | undefined;
        if (this.options.renderImages) {
          const picture = await decodeImage(image, { size: [mask.height, mask.width], resize: this.preprocessing.resize, channels: 'rgb' });
          png = await encodePng(maskOverlay(mask, picture));
        }
        described.push({ name, dims, kind, legend: mask.legend, png });
      } else {
        described.push({ name, dims, kind, summary: summarizeTensor(dims, values) });
      }
    }
    return { image: typeof image === 'string' ? image : '(bytes)', latencyMs, preprocessMs, outputs: described };
  }

  async release(): Promise<void> {
    await this.loaded.session.release();
  }
}
