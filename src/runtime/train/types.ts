import type { Preprocessing } from '../images/types';

/**
 * A training run as a JSON-serialisable config: the Train panel saves it, the CLI verb `train --config F` reads it,
 * and the training worker runs it. Every field but `model`, `data` and `out` has a default.
 */
export type OptimizerName = 'sgd' | 'adam' | 'adamw';
export type ScheduleName = 'constant' | 'step' | 'cosine' | 'one-cycle';
export type LossName = 'cross-entropy' | 'focal' | 'binary-cross-entropy';
export type AugmentationName = 'flip' | 'rotate' | 'shift' | 'scale' | 'color' | 'noise' | 'cutout';

export interface TrainConfig {
  /** An .onnx file, a tfjs layers model.json, or `builtin:small-cnn`. */
  model: string;
  /** Folder with one subfolder per class (and optionally train/ and val/), or images listed in a labels.csv (multi-label). */
  data: string;
  /** The trained model: a new file (never an existing one); checkpoints go to `<out>.checkpoints/`. */
  out: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: OptimizerName;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  schedule?: ScheduleName;
  /** step schedule: multiply by `gamma` every `stepSize` epochs. */
  stepSize?: number;
  gamma?: number;
  warmupEpochs?: number;
  loss?: LossName;
  /**
   * Multi-label data (an image may have several classes), trained with binary cross-entropy: true reads class folders
   * as multi-label (a file name in several class folders is one image with all those classes); false reads them
   * single-label; absent: multi-label exactly when the data folder has a labels.csv.
   */
  multiLabel?: boolean;
  labelSmoothing?: number;
  focalGamma?: number;
  /** 'balanced' (inverse frequency) or explicit per-class weights. */
  classWeights?: 'balanced' | number[];
  oversample?: boolean;
  /** Share of the data held out for validation when there is no val/ folder (default 0.1). */
  valSplit?: number;
  /** Augmentations and their strengths (e.g. rotate: degrees, shift: pixels, scale: fraction). */
  augment?: Partial<Record<AugmentationName, number>>;
  /** Freeze every weight up to and including this layer (node or layer name). */
  freezeUntil?: string;
  /** Replace the classifier head with a new one for the data's classes. */
  newHead?: boolean;
  /** Keep BatchNormalization's running statistics frozen (eval-mode BN while training). */
  freezeBatchNorm?: boolean;
  /** Knowledge distillation: teacher model, temperature T and weight alpha of the soft loss. */
  teacher?: string;
  temperature?: number;
  alpha?: number;
  /** Stop when the validation loss has not improved for this many epochs. */
  earlyStopping?: number;
  seed?: number;
  /** Resume from a checkpoint file written by an earlier run. */
  resume?: string;
  preprocessing?: Partial<Preprocessing>;
  /** Validation images whose Grad-CAM is drawn after every epoch (paths). */
  watchImages?: string[];
}

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  learningRate: number;
  imagesPerSec: number;
  provider: string;
  seconds: number;
  /** Multi-label data (accuracy and valAccuracy are then subset accuracies at threshold 0.5): validation micro/macro F1 and mean average precision. */
  valMicroF1?: number;
  valMacroF1?: number;
  valMeanAP?: number;
}

export interface ClassReport {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MultiLabelClassReport extends ClassReport {
  /** Area under the class's precision-recall curve on the validation set (NaN without a positive image). */
  averagePrecision: number;
}

/** Multi-label metrics on the validation set; precision, recall and F1 at `threshold` on each class's sigmoid. */
export interface MultiLabelReport {
  threshold: number;
  perClass: MultiLabelClassReport[];
  microF1: number;
  macroF1: number;
  meanAveragePrecision: number;
  /** Share of images whose every class decision is right. */
  subsetAccuracy: number;
}

export interface TrainSummary extends EpochMetrics {
  output: string;
  classes: string[];
  /** confusion[actual][predicted] on the validation set (empty for multi-label data). */
  confusion: number[][];
  perClass: ClassReport[];
  /** Multi-label data: its validation metrics (perClass holds the same per-class rows). */
  multiLabel?: MultiLabelReport;
  /** Validation images the model gets most wrong (multi-label: label and predicted list the classes, joined by ", "). */
  topLosses: { file: string; label: string; predicted: string; loss: number }[];
  /** Every validation image with its class and the predicted one (indices into `classes`), for the confusion matrix's cells. */
  validation?: { file: string; actual: number; predicted: number }[];
  checkpoint: string;
  stoppedEarly: boolean;
}

/** What the training worker streams to the panel and the CLI. */
export type TrainEvent =
  | { type: 'started'; classes: string[]; trainImages: number; valImages: number; skipped: { file: string; reason: string }[]; provider: string; device: string; /** Whether the data is multi-label, and why (labels.csv, the option). */ multiLabel?: boolean; labelling?: string; /** Why it runs on the CPU when a GPU provider was asked for and failed. */ providerFallback?: string }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number; accuracy: number; learningRate: number; imagesPerSec: number; etaSeconds: number }
  | { type: 'epoch'; metrics: EpochMetrics; checkpoint: string }
  | { type: 'gradcam'; epoch: number; image: string; png: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'stopped'; checkpoint: string }
  | { type: 'finished'; summary: TrainSummary }
  | { type: 'error'; message: string };

/** What the panel or the CLI sends to a running training worker. */
export type TrainCommand = { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

/**
 * One training step engine, ONNX or tfjs: the trainer loop drives it without knowing which.
 * Batches are NCHW (ONNX) or the model's own layout, float32; labels are class indices (or multi-hot for BCE).
 */
export interface StepEngine {
  readonly provider: string;
  /** Why the engine runs on the CPU when the settings asked for a GPU provider that failed. */
  readonly providerFallback?: string;
  readonly classes: number;
  /** Forward, loss, backward and optimizer update; returns the mean loss and the logits of the batch. */
  trainStep(batch: Float32Array, dims: number[], labels: Int32Array | Float32Array, learningRate: number, soft?: Float32Array): Promise<{ loss: number; logits: Float32Array }>;
  /** Forward in inference mode. */
  predict(batch: Float32Array, dims: number[]): Promise<Float32Array>;
  /** Weights and optimizer state, for checkpoints. */
  state(): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
  load(state: Record<string, { data: Float32Array; dims: number[] }>): Promise<void>;
  /** Writes the trained model (an ONNX file, or a tfjs model.json with shards) atomically. */
  save(file: string): Promise<void>;
  release(): Promise<void>;
}

/** What the trainer tells a step engine factory: the run, the data's classes and the input it will feed. */
export interface StepEngineSetup {
  config: TrainConfig;
  classes: string[];
  /** Dims of a one-sample batch in the model's layout: [1, C, H, W] or [1, H, W, C]. */
  inputDims: number[];
  preprocessing: Preprocessing;
  /** Loss weight of each class (from `classWeights`), absent for an unweighted loss. */
  classWeights?: number[];
}

/** Builds the step engine of a run (ONNX, built-in CNN or tfjs); the trainer takes one so that it can run any engine. */
export type StepEngineFactory = (setup: StepEngineSetup) => Promise<StepEngine>;
