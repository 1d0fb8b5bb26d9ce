// Messages between the Train panel's host controller and its page; both sides import this file.
import { TRAIN_JOB_STATUSES, type TrainJobStatus } from '../../runtime/train/events';
import { isTrainEvent } from '../../runtime/train/messages';
import type { AugmentationName, EpochMetrics, LossName, OptimizerName, ScheduleName, TrainConfig, TrainEvent } from '../../runtime/train/types';
import type { PageStrings } from '../shared/strings';

export const TRAIN_VIEW_TYPE = 'cnnStudio.train';

/** The page's text, translated by the host (train/strings.ts) and checked by the page against these keys. */
export const TRAIN_STRINGS = [
  'title', 'notStarted', 'builtinModel', 'none', 'model', 'builtinButton', 'choose', 'data', 'noData',
  'chooseFolder', 'sampleDigits', 'output', 'change', 'watch', 'chooseImages', 'previewAugmentation', 'previewAgain',
  'augmentedAlt', 'training', 'startTraining', 'resume', 'pause', 'stop', 'epochOf', 'imagesSplit',
  'imagesSplitClasses', 'imagesPerSec', 'eta', 'lr', 'valAccuracy', 'checkpoint', 'skippedOne', 'skipped',
  'gradcamHeading', 'afterEpoch', 'epochN', 'confusionCorner', 'cellTitle', 'cellHeading', 'gradcamFor',
  'predictedClass', 'result', 'resultLine', 'stoppedEarly', 'openInspector', 'preview', 'quantize',
  'confusionHeading', 'perClass', 'class', 'precision', 'recall', 'f1', 'images', 'topLosses', 'topLossEntry',
  'gradcam', 'interrupted', 'continue', 'failed', 'moreSettings', 'fineTuning', 'augmentation', 'freezePlaceholder',
  'accuracy', 'trainSteps', 'trainEpoch', 'validation', 'epochAxis', 'epochs', 'batchSize', 'learningRate',
  'optimizer', 'momentum', 'nesterov', 'weightDecay', 'schedule', 'stepSize', 'gamma', 'warmupEpochs', 'loss',
  'labelSmoothing', 'focalGamma', 'valSplit', 'seed', 'earlyStopping', 'freezeUntil', 'newHead', 'freezeBatchNorm',
  'oversample', 'balanced', 'multiLabel', 'labellingAuto', 'labellingSingle', 'labellingMulti', 'valMultiLabel',
  'resultLineMultiLabel', 'averagePrecision', 'microF1', 'macroF1', 'meanAveragePrecision', 'exactMatch', 'multiLabelHeading',
] as const;
export type TrainStrings = PageStrings<(typeof TRAIN_STRINGS)[number]>;
export const BUILTIN_SMALL_CNN = 'builtin:small-cnn';

/**
 * What the page's form edits: a TrainConfig without any path. The paths (model, data folder, output, watched images,
 * teacher) are chosen through the host's dialogs and kept by the host, so a page never names a file to read or write.
 */
export type TrainSettings = Omit<TrainConfig, 'model' | 'data' | 'out' | 'resume' | 'teacher' | 'watchImages' | 'preprocessing'>;

/** What the user picked through the host's dialogs. */
export interface TrainSelection {
  model: string;
  data: string | null;
  out: string | null;
  watchImages: string[];
}

export type JobStatus = TrainJobStatus;

export interface JobSnapshot {
  id: number;
  status: JobStatus;
  config: TrainConfig;
  /** Every event so far, so a page that (re)connects draws the whole run. */
  events: TrainEvent[];
}

/** A run that ended with the window that ran it (a reload): its checkpoint can continue it. */
export interface InterruptedRun {
  checkpoint: string;
  epoch: number;
  history: EpochMetrics[];
}

export type ResultAction = 'inspect' | 'preview' | 'quantize';
export type Pick = 'model' | 'builtin' | 'data' | 'out' | 'watchImages' | 'sampleDataset';

export type HostMessage =
  | { type: 'state'; selection: TrainSelection; settings: TrainSettings; job: JobSnapshot | null; interrupted: InterruptedRun | null }
  | { type: 'event'; jobId: number; event: TrainEvent }
  | { type: 'status'; jobId: number; status: JobStatus }
  | { type: 'reply'; requestId: number; ok: boolean; error?: string }
  | { type: 'augmentPreview'; requestId: number; png: string }
  | { type: 'cellImages'; requestId: number; actual: number; predicted: number; images: { name: string; png: string }[] }
  | { type: 'explanation'; requestId: number; index: number; picture: string; cam: { size: [number, number]; values: number[] }; label: string | null };

export type PageMessage =
  | { type: 'ready' }
  | { type: 'settings'; settings: TrainSettings }
  | { type: 'pick'; requestId: number; what: Pick }
  | { type: 'start'; requestId: number; settings: TrainSettings }
  | { type: 'continue'; requestId: number }
  | { type: 'pause' | 'resume' | 'stop'; requestId: number; jobId: number }
  | { type: 'previewAugment'; requestId: number; settings: TrainSettings }
  | { type: 'cellImages'; requestId: number; actual: number; predicted: number }
  | { type: 'explainTopLoss'; requestId: number; index: number }
  | { type: 'openResult'; requestId: number; action: ResultAction };

/** What the page keeps with vscode.setState; the serializer hands it to the host after a reload. */
export interface TrainPageState {
  selection: TrainSelection;
  settings: TrainSettings;
}

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'adamw'];
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'step', 'cosine', 'one-cycle'];
export const LOSSES: readonly LossName[] = ['cross-entropy', 'focal', 'binary-cross-entropy'];
export const AUGMENTATIONS: readonly AugmentationName[] = ['flip', 'rotate', 'shift', 'scale', 'color', 'noise', 'cutout'];
const RESULT_ACTIONS: readonly ResultAction[] = ['inspect', 'preview', 'quantize'];
const PICKS: readonly Pick[] = ['model', 'builtin', 'data', 'out', 'watchImages', 'sampleDataset'];

/** Each augmentation's strength when switched on, and its largest value (degrees, pixels, fractions). */
export const AUGMENTATION_LIMITS: Record<AugmentationName, { default: number; max: number; unit: string }> = {
  flip: { default: 0.5, max: 1, unit: 'probability' },
  rotate: { default: 10, max: 180, unit: 'degrees' },
  shift: { default: 2, max: 64, unit: 'pixels' },
  scale: { default: 0.1, max: 0.9, unit: 'fraction' },
  color: { default: 0.2, max: 1, unit: 'fraction' },
  noise: { default: 0.05, max: 1, unit: 'std' },
  cutout: { default: 0.25, max: 0.9, unit: 'fraction of the side' },
};

/** The form's starting values: a short run that suits the built-in CNN on sample digits. */
export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 10, batchSize: 64, learningRate: 0.001, optimizer: 'adam', momentum: 0.9, nesterov: false, weightDecay: 0,
  schedule: 'constant', stepSize: 10, gamma: 0.1, warmupEpochs: 0, loss: 'cross-entropy', labelSmoothing: 0,
  valSplit: 0.1, augment: {}, newHead: false, freezeBatchNorm: false, earlyStopping: 0, seed: 0,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type NumberRule = { integer?: boolean; min: number; max: number; minExclusive?: boolean };

const NUMBER_FIELDS: Record<string, NumberRule> = {
  epochs: { integer: true, min: 1, max: 10000 },
  batchSize: { integer: true, min: 1, max: 4096 },
  learningRate: { min: 0, max: 10, minExclusive: true },
  momentum: { min: 0, max: 1 },
  weightDecay: { min: 0, max: 1 },
  stepSize: { integer: true, min: 1, max: 10000 },
  gamma: { min: 0, max: 1, minExclusive: true },
  warmupEpochs: { min: 0, max: 10000 },
  labelSmoothing: { min: 0, max: 0.99 },
  focalGamma: { min: 0, max: 10 },
  valSplit: { min: 0, max: 0.9 },
  temperature: { min: 0, max: 100, minExclusive: true },
  alpha: { min: 0, max: 1 },
  earlyStopping: { integer: true, min: 0, max: 10000 },
  seed: { integer: true, min: 0, max: 2 ** 31 - 1 },
};

const CHOICE_FIELDS: Record<string, readonly string[]> = { optimizer: OPTIMIZERS, schedule: SCHEDULES, loss: LOSSES };
const BOOLEAN_FIELDS = ['nesterov', 'oversample', 'newHead', 'freezeBatchNorm', 'multiLabel'];

/** Settings from the page, or a message naming the first bad field; unknown fields are refused. */
export function parseTrainSettings(value: unknown): { settings: TrainSettings } | { error: string } {
  if (!isRecord(value)) return { error: 'settings must be an object' };
  const settings: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === null) continue;
    const rule = NUMBER_FIELDS[key];
    if (rule) {
      const ok = typeof field === 'number' && Number.isFinite(field) && (!rule.integer || Number.isInteger(field))
        && (rule.minExclusive ? field > rule.min : field >= rule.min) && field <= rule.max;
      if (!ok) return { error: `${key} must be ${rule.integer ? 'an integer' : 'a number'} from ${rule.min}${rule.minExclusive ? ' (exclusive)' : ''} to ${rule.max} (got ${JSON.stringify(field)})` };
      settings[key] = field;
    } else if (CHOICE_FIELDS[key]) {
      if (!CHOICE_FIELDS[key].includes(field as string)) return { error: `${key} must be one of ${CHOICE_FIELDS[key].join(', ')} (got ${JSON.stringify(field)})` };
      settings[key] = field;
    } else if (BOOLEAN_FIELDS.includes(key)) {
      if (typeof field !== 'boolean') return { error: `${key} must be true or false` };
      settings[key] = field;
    } else if (key === 'freezeUntil') {
      if (typeof field !== 'string' || field.length > 500) return { error: 'freezeUntil must be a layer name' };
      if (field.trim()) settings.freezeUntil = field.trim();
    } else if (key === 'classWeights') {
      const ok = field === 'balanced' || (Array.isArray(field) && field.length > 0 && field.length <= 10000 && field.every((weight) => typeof weight === 'number' && Number.isFinite(weight) && weight >= 0));
      if (!ok) return { error: "classWeights must be 'balanced' or a list of non-negative numbers" };
      settings.classWeights = field;
    } else if (key === 'augment') {
      if (!isRecord(field)) return { error: 'augment must map augmentations to strengths' };
      const augment: Partial<Record<AugmentationName, number>> = {};
      for (const [name, strength] of Object.entries(field)) {
        const limits = AUGMENTATION_LIMITS[name as AugmentationName];
        if (!limits) return { error: `unknown augmentation ${JSON.stringify(name)}; known: ${AUGMENTATIONS.join(', ')}` };
        if (typeof strength !== 'number' || !Number.isFinite(strength) || strength <= 0 || strength > limits.max) {
          return { error: `augmentation ${name} must have a strength above 0 and at most ${limits.max} ${limits.unit} (got ${JSON.stringify(strength)})` };
        }
        augment[name as AugmentationName] = strength;
      }
      settings.augment = augment;
    } else {
      return { error: `unknown setting ${JSON.stringify(key)}` };
    }
  }
  if (settings.warmupEpochs !== undefined && settings.epochs !== undefined && (settings.warmupEpochs as number) > (settings.epochs as number)) {
    return { error: `warmupEpochs (${settings.warmupEpochs}) exceeds epochs (${settings.epochs})` };
  }
  return { settings: settings as TrainSettings };
}

const requestId = (value: Record<string, unknown>) => (Number.isSafeInteger(value.requestId) && (value.requestId as number) >= 0 ? (value.requestId as number) : undefined);
const index = (value: unknown, max = 100000) => (Number.isInteger(value) && (value as number) >= 0 && (value as number) < max ? (value as number) : undefined);

/** Every message from the page passes here: anything that is not exactly a known message is dropped. */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'ready') return Object.keys(value).length === 1 ? { type: 'ready' } : undefined;
  if (value.type === 'settings') {
    const parsed = parseTrainSettings(value.settings);
    return 'settings' in parsed ? { type: 'settings', settings: parsed.settings } : undefined;
  }
  const id = requestId(value);
  if (id === undefined) return undefined;
  switch (value.type) {
    case 'pick':
      return PICKS.includes(value.what as Pick) ? { type: 'pick', requestId: id, what: value.what as Pick } : undefined;
    case 'start':
    case 'previewAugment': {
      const parsed = parseTrainSettings(value.settings);
      return 'settings' in parsed ? { type: value.type, requestId: id, settings: parsed.settings } : undefined;
    }
    case 'continue':
      return { type: 'continue', requestId: id };
    case 'pause':
    case 'resume':
    case 'stop': {
      const jobId = index(value.jobId, Number.MAX_SAFE_INTEGER);
      return jobId === undefined ? undefined : { type: value.type, requestId: id, jobId };
    }
    case 'cellImages': {
      const actual = index(value.actual);
      const predicted = index(value.predicted);
      return actual === undefined || predicted === undefined ? undefined : { type: 'cellImages', requestId: id, actual, predicted };
    }
    case 'explainTopLoss': {
      const at = index(value.index);
      return at === undefined ? undefined : { type: 'explainTopLoss', requestId: id, index: at };
    }
    case 'openResult':
      return RESULT_ACTIONS.includes(value.action as ResultAction) ? { type: 'openResult', requestId: id, action: value.action as ResultAction } : undefined;
    default:
      return undefined;
  }
}

function isSelection(value: unknown): value is TrainSelection {
  return isRecord(value) && typeof value.model === 'string' && (value.data === null || typeof value.data === 'string')
    && (value.out === null || typeof value.out === 'string') && Array.isArray(value.watchImages) && value.watchImages.every((image) => typeof image === 'string');
}

/** The page checks what it receives too. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'state': {
      const job = value.job;
      const jobOk = job === null || (isRecord(job) && Number.isInteger(job.id) && TRAIN_JOB_STATUSES.includes(job.status as JobStatus) && Array.isArray(job.events) && job.events.every(isTrainEvent));
      return isSelection(value.selection) && isRecord(value.settings) && jobOk && (value.interrupted === null || isRecord(value.interrupted)) ? (value as unknown as HostMessage) : undefined;
    }
    case 'event':
      return Number.isInteger(value.jobId) && isTrainEvent(value.event) ? (value as unknown as HostMessage) : undefined;
    case 'status':
      return Number.isInteger(value.jobId) && TRAIN_JOB_STATUSES.includes(value.status as JobStatus) ? (value as unknown as HostMessage) : undefined;
    case 'reply':
      return Number.isInteger(value.requestId) && typeof value.ok === 'boolean' ? (value as unknown as HostMessage) : undefined;
    case 'augmentPreview':
      return Number.isInteger(value.requestId) && typeof value.png === 'string' ? (value as unknown as HostMessage) : undefined;
    case 'cellImages':
      return Number.isInteger(value.requestId) && Array.isArray(value.images) ? (value as unknown as HostMessage) : undefined;
    case 'explanation':
      return Number.isInteger(value.requestId) && typeof value.picture === 'string' && isRecord(value.cam) ? (value as unknown as HostMessage) : undefined;
    default:
      return undefined;
  }
}

/** Page state from a restored panel, or undefined when it is not one this page wrote. */
export function parseTrainPageState(value: unknown): TrainPageState | undefined {
  if (!isRecord(value) || !isSelection(value.selection)) return undefined;
  const parsed = parseTrainSettings(value.settings);
  return { selection: value.selection, settings: 'settings' in parsed ? parsed.settings : DEFAULT_SETTINGS };
}
