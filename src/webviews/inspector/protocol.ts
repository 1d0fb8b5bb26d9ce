// Messages between the inspector's host controller and its page; both sides import this file.
import type { ModelSummary } from '../../runtime/inspect/types';
import { isRecord, isRequestId, type RequestId } from '../shared/messages';
import type { PageStrings } from '../shared/strings';

export const INSPECTOR_PANEL_VIEW_TYPE = 'cnnStudio.inspector';
export const INSPECTOR_EDITOR_VIEW_TYPE = 'cnnStudio.modelInspector';

/** The page's text, translated by the host (inspector/strings.ts) and checked by the page against these keys. */
export const INSPECTOR_STRINGS = [
  'inspecting', 'tryAgain', 'notAModel', 'fileLabel', 'readsWhat', 'quantize', 'train', 'opset', 'ir', 'producedBy',
  'dtypeValues', 'parameters', 'macs', 'macsUnknown', 'macsKnownTitle', 'layers', 'fileSize', 'bytes',
  'weightsByDtype', 'kind', 'name', 'shape', 'dtype', 'input', 'output', 'inspectWithValues', 'symbolicDims',
  'overview', 'inputsOutputs', 'opTypes', 'layersTab', 'graphTab', 'pageFailed', 'columnIndex', 'columnOpType',
  'columnOutputShape', 'columnParams', 'filterPlaceholder', 'search', 'sortBy', 'rowTitle', 'totals',
  'macsUnknownTotal', 'macsTotal', 'showAll', 'modelGraph', 'minimap', 'clickNode', 'fit', 'zoomIn', 'zoomOut',
  'layoutFailed', 'graphStats', 'modelInput', 'modelOutput', 'paramsMacs', 'inputs', 'outputs', 'attributes', 'none',
  'weightConstant', 'noTensor',
] as const;
export type InspectorStrings = PageStrings<(typeof INSPECTOR_STRINGS)[number]>;

/** `requestId`: the page request this answers (see shared/messages.ts). */
export type HostMessage =
  | { type: 'loading'; requestId: RequestId; file: string }
  /** `dims`: the values the summary binds symbolic input dims to (chosen on the page). */
  | { type: 'summary'; requestId: RequestId; summary: ModelSummary; dims: DimBindings }
  | { type: 'error'; requestId: RequestId; file: string; message: string };

/** Symbolic input dim → the positive integer it stands for ("batch_size" → 1). */
export type DimBindings = Record<string, number>;

/** `quantize` and `train`: the toolbar buttons that open those panels on this model. */
export type PageMessage =
  | { type: 'ready'; requestId: RequestId }
  | { type: 'reload'; requestId: RequestId }
  | { type: 'quantize'; requestId: RequestId }
  | { type: 'train'; requestId: RequestId }
  | { type: 'bindDims'; requestId: RequestId; dims: DimBindings };

export type InspectorTab = 'overview' | 'layers' | 'graph';
export const INSPECTOR_TABS: readonly InspectorTab[] = ['overview', 'layers', 'graph'];

/** What the page keeps across hide/show and window reloads (vscode.setState); the host reads `file` to restore. */
export interface PageState {
  file: string;
  tab: InspectorTab;
  filter: string;
  sortColumn: string | null;
  sortDescending: boolean;
  selectedNode: string | null;
}

const MAX_BOUND_DIMS = 64;

/** Dim bindings, or undefined unless every name is a non-empty string and every value a positive safe integer. */
function parseDimBindings(value: unknown): DimBindings | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > MAX_BOUND_DIMS) return undefined;
  const valid = entries.every(([name, dim]) => name.length > 0 && Number.isSafeInteger(dim) && (dim as number) > 0);
  return valid ? Object.fromEntries(entries) as DimBindings : undefined;
}

/** Every message from the page passes here: anything that is not exactly a known message is dropped. */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value) || !isRequestId(value.requestId)) return undefined;
  const { requestId } = value;
  const keys = Object.keys(value).length;
  if ((value.type === 'ready' || value.type === 'reload' || value.type === 'quantize' || value.type === 'train') && keys === 2) return { type: value.type, requestId };
  if (value.type === 'bindDims' && keys === 3) {
    const dims = parseDimBindings(value.dims);
    return dims && { type: 'bindDims', requestId, dims };
  }
  return undefined;
}

/** Validates state restored from the page (it may come from an older version of the page, or be absent). */
export function parsePageState(value: unknown): PageState | undefined {
  if (!isRecord(value) || typeof value.file !== 'string' || value.file.length === 0) return undefined;
  const text = (field: unknown, fallback: string) => (typeof field === 'string' ? field : fallback);
  return {
    file: value.file,
    tab: INSPECTOR_TABS.includes(value.tab as InspectorTab) ? (value.tab as InspectorTab) : 'overview',
    filter: text(value.filter, ''),
    sortColumn: typeof value.sortColumn === 'string' ? value.sortColumn : null,
    sortDescending: value.sortDescending === true,
    selectedNode: typeof value.selectedNode === 'string' ? value.selectedNode : null,
  };
}

/** The page checks what it receives too, so a malformed message shows an error instead of a broken page. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value) || !isRequestId(value.requestId)) return undefined;
  const { requestId } = value;
  if (value.type === 'loading' && typeof value.file === 'string') return { type: 'loading', requestId, file: value.file };
  if (value.type === 'error' && typeof value.file === 'string' && typeof value.message === 'string') {
    return { type: 'error', requestId, file: value.file, message: value.message };
  }
  if (value.type === 'summary' && isRecord(value.summary) && Array.isArray(value.summary.layers) && Array.isArray(value.summary.inputs)) {
    const dims = value.dims === undefined ? {} : parseDimBindings(value.dims);
    return dims && { type: 'summary', requestId, summary: value.summary as unknown as ModelSummary, dims };
  }
  return undefined;
}
