// Messages between the Quantize panel's host controller and its page; both sides import this file.
import type { Preprocessing } from '../../runtime/images/types';
import type { ActivationType, CalibrationMethod, QuantizeConfig, QuantizeMode, QuantizeReport, TfjsWeightDtype } from '../../runtime/quantize/types';
import { parsePreprocessing } from '../preview/protocol';
import { PREPROCESSING_FORM_STRINGS, type PageStrings } from '../shared/strings';

export const QUANTIZE_VIEW_TYPE = 'cnnStudio.quantize';

/** The page's text, translated by the host (quantize/strings.ts) and checked by the page against these keys. */
export const QUANTIZE_STRINGS = [
  ...PREPROCESSING_FORM_STRINGS, 'noModel', 'pickModel', 'chooseModelHint', 'folderOneImage', 'folderImages',
  'folderImagesClasses', 'browse', 'modeStatic', 'modeDynamic', 'float16', 'tfjsUint8', 'tfjsUint16', 'tfjsFloat16',
  'tfjsWeightsPlaceholder', 'chooseFolder', 'all', 'methodMinMax', 'percentile', 'methodEntropy', 'perChannel',
  'perChannelTitle', 'symmetric', 'reduceAuto', 'reduce7', 'reduce8', 'reduceRangeTitle', 'keepIo',
  'excludePlaceholder', 'calibrationFolderDefault', 'sensitivity', 'sensitivityTitle', 'automatic', 'preprocessing',
  'preprocessingReading', 'preprocessingSource', 'settingsSource', 'calibrationImages', 'atMost', 'calibration',
  'activations', 'weightBits', 'quantize', 'cancel', 'weights', 'whichWeights', 'tfjsNote', 'mode', 'keepFloat',
  'evaluationImages', 'budget', 'driftImages', 'quantizing', 'starting', 'original', 'quantized', 'change',
  'sensitivityChart', 'excludeWorst', 'sensitivityNote', 'keptFloatList', 'sqnr', 'sqnrValue', 'sqnrValueKept',
  'drift', 'cosine', 'floatClass', 'quantizedClass', 'result', 'inspect', 'preview', 'reveal', 'cpu', 'nodesOne',
  'nodes', 'calibratedOn', 'evaluatedOn', 'keptFloatWhy', 'reportEmpty', 'wrote', 'accuracy', 'cancelled',
  'needsCalibration', 'checkSettings', 'fileSize', 'ofOriginal', 'latency', 'faster', 'slower', 'accuracyRow', 'pointsDown',
  'pointsUp', 'unchanged', 'top1', 'top1Title', 'outputCosine', 'outputCosineTitle', 'sqnrLabel', 'sqnrTitle', 'noInt8',
] as const;
export type QuantizeStrings = PageStrings<(typeof QUANTIZE_STRINGS)[number]>;
/** The command that opens this panel on a model (the inspector's button runs it too). */
export const QUANTIZE_MODEL_COMMAND = 'cnn.quantizeModel';

/** What the page chooses: a QuantizeConfig but the model and threads (the host's) and the output (the runtime's). */
export type QuantizeSettings = Omit<QuantizeConfig, 'model' | 'out' | 'threads'>;

/** A folder of images the host found in the workspace; `classes` > 0 when it holds one subfolder per class. */
export interface FolderChoice {
  folder: string;
  images: number;
  classes: number;
}

export type FolderPurpose = 'calibration' | 'evaluation';
export type OpenTarget = 'inspector' | 'preview' | 'explorer';

export interface ModelInfo {
  file: string;
  format: 'onnx' | 'tfjs';
  /** What the Preview panel would use for this model (guess, then the sidecar file); null until read. */
  preprocessing: Preprocessing | null;
  input: { name: string; dims: (number | string | null)[] } | null;
}

export type HostMessage =
  | { type: 'setup'; model: ModelInfo | null; folders: FolderChoice[] }
  | { type: 'folderPicked'; requestId: number; purpose: FolderPurpose; choice: FolderChoice }
  | { type: 'progress'; requestId: number; message: string; percent: number | null }
  | { type: 'report'; requestId: number; settings: QuantizeSettings; report: QuantizeReport }
  | { type: 'cancelled'; requestId: number }
  | { type: 'error'; requestId: number | null; message: string };

export type PageMessage =
  | { type: 'ready' }
  | { type: 'pickModel' }
  | { type: 'pickFolder'; requestId: number; purpose: FolderPurpose }
  | { type: 'quantize'; requestId: number; settings: QuantizeSettings }
  | { type: 'cancel'; requestId: number }
  | { type: 'open'; target: OpenTarget };

/** What the page keeps with vscode.setState: the panel reopens on the same model, settings and last report after a reload. */
export interface QuantizePageState {
  model: string;
  settings?: QuantizeSettings;
  report?: QuantizeReport;
}

const MODES: readonly QuantizeMode[] = ['static', 'dynamic', 'fp16'];
const METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'entropy'];
const ACTIVATIONS: readonly ActivationType[] = ['int8', 'uint8'];
const TFJS_DTYPES: readonly TfjsWeightDtype[] = ['uint8', 'uint16', 'float16'];
const PURPOSES: readonly FolderPurpose[] = ['calibration', 'evaluation'];
const OPEN_TARGETS: readonly OpenTarget[] = ['inspector', 'preview', 'explorer'];
const MAX_NAMES = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isRequestId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isPath = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length < 4096 && !value.includes('\0');

function hasOnlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

const SETTING_KEYS = [
  'mode', 'calibration', 'calibrationLimit', 'method', 'percentile', 'perChannel', 'symmetric', 'activations', 'reduceRange', 'exclude',
  'keepIoFloat32', 'evaluation', 'evaluationLimit', 'preprocessing', 'sensitivity', 'accuracyBudget', 'explanationDriftImages', 'tfjsDtype', 'tfjsWeights',
] as const satisfies readonly (keyof QuantizeSettings)[];

/**
 * Quantization settings from the page, or a reason they are not acceptable. Folder paths are only checked for shape
 * here; the controller accepts only folders it offered or the user picked.
 */
export function parseSettings(value: unknown): { settings: QuantizeSettings } | { error: string } {
  if (!isRecord(value)) return { error: 'settings must be an object' };
  if (!hasOnlyKeys(value, SETTING_KEYS)) return { error: `unknown setting ${Object.keys(value).find((key) => !(SETTING_KEYS as readonly string[]).includes(key))}` };
  if (!MODES.includes(value.mode as QuantizeMode)) return { error: `mode must be one of ${MODES.join(', ')}` };
  const settings: QuantizeSettings = { mode: value.mode as QuantizeMode };
  const choice = <K extends 'method' | 'activations' | 'tfjsDtype'>(key: K, allowed: readonly string[]): string | undefined => {
    if (value[key] === undefined) return undefined;
    if (!allowed.includes(value[key] as string)) return `${key} must be one of ${allowed.join(', ')}`;
    settings[key] = value[key] as QuantizeSettings[K];
    return undefined;
  };
  const flag = (key: 'perChannel' | 'symmetric' | 'reduceRange' | 'keepIoFloat32' | 'sensitivity'): string | undefined => {
    if (value[key] === undefined) return undefined;
    if (typeof value[key] !== 'boolean') return `${key} must be true or false`;
    settings[key] = value[key] as boolean;
    return undefined;
  };
  const count = (key: 'calibrationLimit' | 'evaluationLimit' | 'explanationDriftImages', min: number): string | undefined => {
    if (value[key] === undefined) return undefined;
    if (!Number.isSafeInteger(value[key]) || (value[key] as number) < min) return `${key} must be an integer of at least ${min}`;
    settings[key] = value[key] as number;
    return undefined;
  };
  const folder = (key: 'calibration' | 'evaluation'): string | undefined => {
    if (value[key] === undefined) return undefined;
    if (!isPath(value[key])) return `${key} must be a folder path`;
    settings[key] = value[key] as string;
    return undefined;
  };
  const names = (key: 'exclude' | 'tfjsWeights'): string | undefined => {
    if (value[key] === undefined) return undefined;
    const list = value[key];
    if (!Array.isArray(list) || list.length > MAX_NAMES || !list.every((name) => typeof name === 'string' && name.trim().length > 0)) return `${key} must be a list of names`;
    settings[key] = list.map((name: string) => name.trim());
    return undefined;
  };
  const errors = [
    choice('method', METHODS), choice('activations', ACTIVATIONS), choice('tfjsDtype', TFJS_DTYPES),
    flag('perChannel'), flag('symmetric'), flag('reduceRange'), flag('keepIoFloat32'), flag('sensitivity'),
    count('calibrationLimit', 1), count('evaluationLimit', 1), count('explanationDriftImages', 0),
    folder('calibration'), folder('evaluation'), names('exclude'), names('tfjsWeights'),
  ];
  if (value.percentile !== undefined) {
    if (typeof value.percentile !== 'number' || !(value.percentile > 50 && value.percentile <= 100)) errors.push('percentile must be a number above 50 and at most 100');
    else settings.percentile = value.percentile;
  }
  if (value.accuracyBudget !== undefined) {
    if (typeof value.accuracyBudget !== 'number' || !(value.accuracyBudget >= 0 && value.accuracyBudget <= 100)) errors.push('accuracyBudget must be between 0 and 100 points');
    else settings.accuracyBudget = value.accuracyBudget;
  }
  if (value.preprocessing !== undefined) {
    const preprocessing = parsePreprocessing(value.preprocessing);
    if (!preprocessing) errors.push('preprocessing is not valid');
    else settings.preprocessing = preprocessing;
  }
  const error = errors.find((message) => message !== undefined);
  if (error) return { error };
  if (settings.mode === 'static' && !settings.calibration) return { error: 'static quantization needs a calibration folder' };
  return { settings };
}

/** Every message from the page passes here: anything that is not exactly a known message is dropped. */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value).length;
  switch (value.type) {
    case 'ready':
    case 'pickModel':
      return keys === 1 ? { type: value.type } : undefined;
    case 'pickFolder':
      return keys === 3 && isRequestId(value.requestId) && PURPOSES.includes(value.purpose as FolderPurpose)
        ? { type: 'pickFolder', requestId: value.requestId, purpose: value.purpose as FolderPurpose }
        : undefined;
    case 'quantize': {
      if (keys !== 3 || !isRequestId(value.requestId)) return undefined;
      const parsed = parseSettings(value.settings);
      return 'settings' in parsed ? { type: 'quantize', requestId: value.requestId, settings: parsed.settings } : undefined;
    }
    case 'cancel':
      return keys === 2 && isRequestId(value.requestId) ? { type: 'cancel', requestId: value.requestId } : undefined;
    case 'open':
      return keys === 2 && OPEN_TARGETS.includes(value.target as OpenTarget) ? { type: 'open', target: value.target as OpenTarget } : undefined;
    default:
      return undefined;
  }
}

function isReport(value: unknown): value is QuantizeReport {
  return isRecord(value) && typeof value.output === 'string' && isRecord(value.original) && isRecord(value.quantized)
    && typeof value.original.bytes === 'number' && typeof value.quantized.bytes === 'number'
    && Array.isArray(value.warnings) && isRecord(value.nodes) && Array.isArray(value.nodes.keptFloat);
}

function isFolderChoice(value: unknown): value is FolderChoice {
  return isRecord(value) && isPath(value.folder) && typeof value.images === 'number' && typeof value.classes === 'number';
}

/** The page checks what it receives too, so a malformed message shows nothing broken. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'setup': {
      const model = value.model;
      const modelValid = model === null || (isRecord(model) && isPath(model.file) && (model.format === 'onnx' || model.format === 'tfjs'));
      return modelValid && Array.isArray(value.folders) && value.folders.every(isFolderChoice) ? (value as unknown as HostMessage) : undefined;
    }
    case 'folderPicked':
      return isRequestId(value.requestId) && PURPOSES.includes(value.purpose as FolderPurpose) && isFolderChoice(value.choice) ? (value as unknown as HostMessage) : undefined;
    case 'progress':
      return isRequestId(value.requestId) && typeof value.message === 'string' && (value.percent === null || typeof value.percent === 'number') ? (value as unknown as HostMessage) : undefined;
    case 'report':
      return isRequestId(value.requestId) && isReport(value.report) && 'settings' in parseSettings(value.settings) ? (value as unknown as HostMessage) : undefined;
    case 'cancelled':
      return isRequestId(value.requestId) ? (value as unknown as HostMessage) : undefined;
    case 'error':
      return (value.requestId === null || isRequestId(value.requestId)) && typeof value.message === 'string' ? (value as unknown as HostMessage) : undefined;
    default:
      return undefined;
  }
}

/** Validates state restored from the page (it may come from an older version of the page, or be absent). */
export function parseQuantizePageState(value: unknown): QuantizePageState | undefined {
  if (!isRecord(value) || !isPath(value.model)) return undefined;
  const state: QuantizePageState = { model: value.model };
  const parsed = parseSettings(value.settings);
  if ('settings' in parsed) state.settings = parsed.settings;
  if (isReport(value.report)) state.report = value.report;
  return state;
}
