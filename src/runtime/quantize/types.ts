import type { Preprocessing } from '../images/types';

/**
 * What one quantization run is: shared by the CLI verb `quantize`, the quantize worker and the Quantize panel.
 * The runtime (src/runtime/quantize) owns the passes; callers only fill this in.
 */
export type QuantizeMode = 'static' | 'dynamic' | 'fp16';
export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';
export type ActivationType = 'int8' | 'uint8';
export type TfjsWeightDtype = 'uint8' | 'uint16' | 'float16';

export interface QuantizeConfig {
  /** The model to quantize (.onnx or a tfjs model.json); never written. */
  model: string;
  /** Where the result goes; default `<name>.int8.onnx` / `<name>.fp16.onnx` / `<dir>-uint8/model.json` beside the model, never an existing file. */
  out?: string;
  mode: QuantizeMode;
  /** Folder of calibration images (flat or one subfolder per class); static mode needs it. */
  calibration?: string;
  /** Calibration images to use at most (streamed; default all). */
  calibrationLimit?: number;
  method?: CalibrationMethod;
  /** Percentile method: the percentile kept, default 99.999. */
  percentile?: number;
  /** Per-channel weights (default true for static). */
  perChannel?: boolean;
  /** Symmetric activations (weights are symmetric by default, as in onnxruntime). */
  symmetric?: boolean;
  activations?: ActivationType;
  /** 7-bit weights for CPUs without VNNI (onnxruntime's reduce_range). */
  reduceRange?: boolean;
  /** Node names or op types that stay float. */
  exclude?: string[];
  /** fp16 mode: keep float32 graph inputs and outputs (Cast at the edges). */
  keepIoFloat32?: boolean;
  /** Folder of evaluation images (class subfolders give accuracy); default: the calibration folder. */
  evaluation?: string;
  evaluationLimit?: number;
  /** Preprocessing overrides, as the Preview panel and the predict/explain flags give them. */
  preprocessing?: Partial<Preprocessing>;
  /** Per-layer sensitivity analysis (slower). */
  sensitivity?: boolean;
  /** Keep adding the most sensitive layer to `exclude` until the accuracy (or top-1 agreement) drop is within this many points. */
  accuracyBudget?: number;
  /** Grad-CAM of the float and the quantized model on up to this many evaluation images (0: none). */
  explanationDriftImages?: number;
  /** tfjs models: weight dtype and which weights (names or wildcards; default all). */
  tfjsDtype?: TfjsWeightDtype;
  tfjsWeights?: string[];
  /** onnxruntime threads for calibration, evaluation and latency (default: onnxruntime's choice). */
  threads?: number;
}

export interface ModelFigures {
  file: string;
  bytes: number;
  /** Median latency of one batch-1 run, measured in the same run for both models. */
  latencyMs: number;
  /** Accuracy on a labelled evaluation folder, else undefined. */
  accuracy?: number;
}

export interface LayerSensitivity {
  /** Node name (ONNX) or weight name (tfjs). */
  name: string;
  opType: string;
  /** Signal-to-quantization-noise ratio in dB at the model output when only this layer is quantized (or of its own activation). */
  sqnrDb: number;
  /** Output cosine when only this layer is quantized. */
  cosine?: number;
  excluded: boolean;
}

export interface ExplanationDrift {
  image: string;
  /** Grad-CAM maps (layer resolution, normalized 0-1) of the float and quantized models, and the cosine between them. */
  floatCam: { data: number[]; dims: number[] };
  quantizedCam: { data: number[]; dims: number[] };
  cosine: number;
  floatClass: number;
  quantizedClass: number;
}

export interface QuantizeReport {
  mode: QuantizeMode;
  /** The written file (for tfjs: the model.json). */
  output: string;
  original: ModelFigures;
  quantized: ModelFigures;
  /** 'VNNI', 'AVX-512', 'AVX2' or 'none': what int8 kernels this CPU has. */
  cpuInt8Support: string;
  provider: string;
  /** Set when the quantized model is not faster here. */
  warnings: string[];
  agreement?: {
    images: number;
    top1Agreement: number;
    meanCosine: number;
    sqnrDb: number;
  };
  calibration?: { method: CalibrationMethod; images: number; skipped: { file: string; reason: string }[] };
  /** What was quantized and what stayed float, with the reason. */
  nodes: { quantized: number; keptFloat: { name: string; opType: string; reason: string }[] };
  sensitivity?: LayerSensitivity[];
  exclusions?: string[];
  explanationDrift?: ExplanationDrift[];
}

/** Events the quantize worker streams while it runs. */
export type QuantizeEvent =
  | { type: 'stage'; stage: 'prepare' | 'calibrate' | 'quantize' | 'evaluate' | 'sensitivity' | 'drift' | 'write'; message: string }
  | { type: 'progress'; done: number; total: number; message: string };
