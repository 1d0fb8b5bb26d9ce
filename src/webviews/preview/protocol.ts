// Messages between the Preview and Explain panel's host controller and its page; both sides import this file.
import type { Preprocessing } from '../../runtime/images/types';
import type { ExplainResponse, PredictResponse } from '../../runtime/preview/jobs';
import { isRecord, isRequestId, type RequestId } from '../shared/messages';
import { PREPROCESSING_FORM_STRINGS, type PageStrings } from '../shared/strings';

export const PREVIEW_VIEW_TYPE = 'cnnStudio.preview';

/** The page's text, translated by the host (preview/strings.ts) and checked by the page against these keys. */
export const PREVIEW_STRINGS = [
  ...PREPROCESSING_FORM_STRINGS, 'explanations', 'noModel', 'oneImage', 'images', 'pickModel', 'addImages', 'pickLabels', 'runAgain', 'apply',
  'preprocessing', 'chosenBy', 'settingsSource', 'remember', 'classIndex', 'noSoftmax', 'multiLabelNote', 'tensorSummary', 'methodTitle', 'classPlaceholder', 'boxPlaceholder', 'boxTitle', 'boxNumber',
  'classTitle', 'layerPlaceholder', 'layerTitle', 'explain', 'removeImage', 'noMethods', 'tfjsBackend', 'executionProvider', 'inputStatus',
  'labelsStatus', 'doneIn', 'explainsObjective', 'explanationDetails', 'layerDetail', 'inputGradients', 'opacity', 'colormap', 'exportPng',
  'remove', 'addImagesHint', 'chooseModel',
] as const;
export type PreviewStrings = PageStrings<(typeof PREVIEW_STRINGS)[number]>;

export interface MethodInfo {
  name: string;
  label: string;
}

/** `requestId`: the page request a message answers (see shared/messages.ts). */
export type HostMessage =
  | { type: 'setup'; requestId: RequestId; model: string | null; images: string[]; methods: MethodInfo[] }
  | { type: 'busy'; requestId: RequestId; message: string }
  | { type: 'predictions'; requestId: RequestId; response: PredictResponse }
  | { type: 'explanation'; requestId: RequestId; response: ExplainResponse }
  | { type: 'error'; requestId: RequestId; message: string };

/** Every page message is a numbered request; the host answers explain with explanation or error of the same id. */
export type PageMessage = { requestId: RequestId } & (
  | { type: 'ready' }
  | { type: 'pickModel' }
  | { type: 'pickLabels' }
  | { type: 'addImages'; uris?: string[] }
  | { type: 'removeImage'; image: string }
  | { type: 'predict' }
  | { type: 'explain'; image: string; method: string; layer?: string; targetClass?: string; /** Detection models: a box index. */ box?: string }
  | { type: 'setPreprocessing'; preprocessing: Partial<Preprocessing>; remember: boolean }
  | { type: 'exportPng'; name: string; dataUrl: string }
);

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';
const isNumberList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));

export function parsePreprocessing(value: unknown): Partial<Preprocessing> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Partial<Preprocessing> = {};
  if (value.size !== undefined) {
    if (!isNumberList(value.size) || (value.size as number[]).length !== 2 || (value.size as number[]).some((dim) => !Number.isInteger(dim) || dim <= 0)) return undefined;
    out.size = [(value.size as number[])[0], (value.size as number[])[1]];
  }
  for (const key of ['mean', 'std'] as const) {
    if (value[key] === undefined) continue;
    if (!isNumberList(value[key]) || (value[key] as number[]).length === 0) return undefined;
    out[key] = value[key] as number[];
  }
  const choice = <K extends 'range' | 'channels' | 'layout' | 'resize'>(key: K, allowed: readonly string[]) => {
    if (value[key] === undefined) return true;
    if (typeof value[key] !== 'string' || !allowed.includes(value[key] as string)) return false;
    out[key] = value[key] as Preprocessing[K];
    return true;
  };
  const valid = choice('range', ['0-1', '0-255', '-1-1']) && choice('channels', ['rgb', 'bgr', 'gray'])
    && choice('layout', ['nchw', 'nhwc']) && choice('resize', ['stretch', 'center-crop', 'letterbox']);
  return valid ? out : undefined;
}

/** What the page keeps with vscode.setState, so the panel reopens on the same model and images after a reload. */
export interface PreviewPageState {
  model: string | null;
  images: string[];
}

export function parsePreviewPageState(value: unknown): PreviewPageState | undefined {
  if (!isRecord(value) || !(value.model === null || (typeof value.model === 'string' && value.model.length > 0))) return undefined;
  if (!Array.isArray(value.images) || !value.images.every((image) => typeof image === 'string' && image.length > 0)) return undefined;
  return { model: value.model, images: value.images as string[] };
}

/** Every message from the page passes here: anything that is not exactly a known message is dropped. */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value) || !isRequestId(value.requestId)) return undefined;
  const { requestId } = value;
  switch (value.type) {
    case 'ready':
    case 'pickModel':
    case 'pickLabels':
    case 'predict':
      return { type: value.type, requestId };
    case 'addImages':
      if (value.uris !== undefined && !(Array.isArray(value.uris) && value.uris.every((uri) => typeof uri === 'string'))) return undefined;
      return { type: 'addImages', requestId, uris: value.uris as string[] | undefined };
    case 'removeImage':
      return typeof value.image === 'string' ? { type: 'removeImage', requestId, image: value.image } : undefined;
    case 'explain':
      if (typeof value.image !== 'string' || typeof value.method !== 'string' || !optionalString(value.layer) || !optionalString(value.targetClass) || !optionalString(value.box)) return undefined;
      return {
        type: 'explain', requestId, image: value.image, method: value.method, layer: (value.layer as string | undefined) || undefined,
        targetClass: (value.targetClass as string | undefined) || undefined, ...(value.box ? { box: value.box as string } : {}),
      };
    case 'setPreprocessing': {
      const preprocessing = parsePreprocessing(value.preprocessing);
      return preprocessing && typeof value.remember === 'boolean' ? { type: 'setPreprocessing', requestId, preprocessing, remember: value.remember } : undefined;
    }
    case 'exportPng':
      if (typeof value.name !== 'string' || typeof value.dataUrl !== 'string' || !value.dataUrl.startsWith('data:image/png;base64,')) return undefined;
      return { type: 'exportPng', requestId, name: value.name, dataUrl: value.dataUrl };
    default:
      return undefined;
  }
}

/** The page checks what it receives too. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value) || !isRequestId(value.requestId)) return undefined;
  switch (value.type) {
    case 'setup':
      return Array.isArray(value.images) && Array.isArray(value.methods) && (value.model === null || typeof value.model === 'string') ? (value as unknown as HostMessage) : undefined;
    case 'busy':
    case 'error':
      return typeof value.message === 'string' ? (value as unknown as HostMessage) : undefined;
    case 'predictions':
      return isRecord(value.response) && Array.isArray(value.response.results) ? (value as unknown as HostMessage) : undefined;
    case 'explanation':
      return isRecord(value.response) && isRecord(value.response.cam) ? (value as unknown as HostMessage) : undefined;
    default:
      return undefined;
  }
}
