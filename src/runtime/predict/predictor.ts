import { decodeImage } from '../images/decode';
import { onnxInputFacts, type ModelInputFacts } from '../images/model-input';
import { toFloat32Model } from '../onnx/float32-model';
import { readModelFile } from '../onnx/codec';
import { resolvePreprocessing } from '../images/resolve';
import { inputDims, pixelsToTensor } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { classify, isMultiLabelModel, type Classification } from './classify';
import { maskOverlay, outputKind, outputToPixels, segmentationMask, summarizeTensor, type ImageRange, type LegendEntry, type TensorSummary } from './dense';
import { resolveLabels, type ModelLabels } from './labels';
import { floatTensor, loadOnnxRuntime, openSession, tensorToFloat32 } from './onnx-runtime';
import { encodePng } from './png';
import { openTfjsRunner } from './tfjs-runner';

export interface PredictorOptions {
  /** Labels file; default: the sidecar's, else the model's embedded class names, else a file found next to the model with the right class count. */
  labels?: string;
  top?: number;
  overrides?: Partial<Preprocessing>;
  /** Render image-like and segmentation outputs as PNG. */
  renderImages?: boolean;
}

interface OutputBase { name: string; dims: number[] }
export type OutputResult =
  | (OutputBase & { kind: 'classification' } & Classification)
  | (OutputBase & { kind: 'image'; summary: TensorSummary; range: ImageRange; png?: Buffer })
  | (OutputBase & { kind: 'segmentation'; legend: LegendEntry[]; png?: Buffer })
  | (OutputBase & { kind: 'tensor'; summary: TensorSummary });

export interface ImagePrediction {
  image: string;
  /** Time of the forward pass alone, in milliseconds. */
  latencyMs: number;
  preprocessMs: number;
  outputs: OutputResult[];
}

export interface RawOutput { name: string; dims: number[]; values: Float32Array }

/** One loaded model that maps an input tensor to its raw outputs, whatever runs it. */
export interface ForwardRunner {
  facts: ModelInputFacts;
  /** What runs it: an onnxruntime execution provider, or "tfjs <backend>". */
  provider: string;
  /** Why it runs on the CPU when the settings asked for a GPU provider that failed. */
  providerFallback?: string;
  run(input: Float32Array, dims: number[]): Promise<RawOutput[]>;
  release(): Promise<void>;
}

/** An ONNX model on onnxruntime; float16 models run converted to float32, so the session is fed its input dtype. */
async function openOnnxRunner(modelFile: string): Promise<ForwardRunner> {
  const model = readModelFile(modelFile);
  const facts = onnxInputFacts(model);
  const runnable = toFloat32Model(model);
  const loaded = await openSession(runnable);
  const runInputDtype = onnxInputFacts(runnable).dtype;
  const ort = loadOnnxRuntime();
  return {
    facts,
    provider: loaded.provider,
    providerFallback: loaded.fallback,
    async run(input, dims) {
      const results = await loaded.session.run({ [facts.name]: floatTensor(ort, runInputDtype, input, dims) });
      return loaded.session.outputNames.map((name) => ({ name, dims: results[name].dims.map(Number), values: tensorToFloat32(results[name]) }));
    },
    release: () => loaded.session.release(),
  };
}

/** TensorFlow.js models come as model.json (plus weight shards); everything else is read as ONNX. */
export function isTfjsModelFile(modelFile: string): boolean {
  return modelFile.toLowerCase().endsWith('.json');
}

/** One open model that predicts on images with a fixed preprocessing. */
export class Predictor {
  private constructor(
    readonly modelFile: string,
    readonly preprocessing: Preprocessing,
    private readonly runner: ForwardRunner,
    private readonly options: PredictorOptions,
    private labelsByCount = new Map<number, ModelLabels>(),
  ) {}

  static async open(modelFile: string, options: PredictorOptions = {}): Promise<Predictor> {
    const runner = isTfjsModelFile(modelFile) ? await openTfjsRunner(modelFile) : await openOnnxRunner(modelFile);
    const preprocessing = resolvePreprocessing(modelFile, runner.facts, options.overrides);
    return new Predictor(modelFile, preprocessing, runner, options);
  }

  get facts(): ModelInputFacts {
    return this.runner.facts;
  }

  get provider(): string {
    return this.runner.provider;
  }

  get providerFallback(): string | undefined {
    return this.runner.providerFallback;
  }

  /** The labels of outputs of `classCount` classes (see resolveLabels). */
  labelsFor(classCount: number): ModelLabels {
    const cached = this.labelsByCount.get(classCount);
    if (cached) return cached;
    const entry = resolveLabels(this.modelFile, classCount, { given: this.options.labels, metadata: this.facts.metadata });
    this.labelsByCount.set(classCount, entry);
    return entry;
  }

  /** Runs the model on the preprocessed image and returns every output, raw, as float32. */
  async forward(image: string | Buffer): Promise<{ outputs: RawOutput[]; latencyMs: number; preprocessMs: number }> {
    const started = performance.now();
    const pixels = await decodeImage(image, this.preprocessing);
    const input = pixelsToTensor(pixels, this.preprocessing);
    const preprocessMs = performance.now() - started;
    const runStarted = performance.now();
    const outputs = await this.runner.run(input, inputDims(this.preprocessing));
    const latencyMs = performance.now() - runStarted;
    return { outputs, latencyMs, preprocessMs };
  }

  async predict(image: string | Buffer): Promise<ImagePrediction> {
    const { outputs, latencyMs, preprocessMs } = await this.forward(image);
    const top = this.options.top ?? 5;
    const described: OutputResult[] = [];
    for (const { name, dims, values } of outputs) {
      const kind = outputKind(dims);
      if (kind === 'classification') {
        described.push({ name, dims, kind, ...classify(values, top, this.labelsFor(values.length).labels ?? undefined, isMultiLabelModel(this.facts.metadata)) });
      } else if (kind === 'image') {
        const { pixels, range } = outputToPixels(dims, values);
        const png = this.options.renderImages ? await encodePng(pixels) : undefined;
        described.push({ name, dims, kind, summary: summarizeTensor(dims, values), range, png });
      } else if (kind === 'segmentation') {
        const mask = segmentationMask(dims, values, this.labelsFor(dims[1]).labels ?? undefined);
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
    await this.runner.release();
  }
}
