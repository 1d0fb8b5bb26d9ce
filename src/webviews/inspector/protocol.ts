// Messages between the inspector's host controller and its page; both sides import this file.
import type { ModelSummary } from '../../runtime/inspect/types';

export const INSPECTOR_PANEL_VIEW_TYPE = 'cnnStudio.inspector';
export const INSPECTOR_EDITOR_VIEW_TYPE = 'cnnStudio.modelInspector';

export type HostMessage =
  | { type: 'loading'; file: string }
  /** `dims`: the values the summary binds symbolic input dims to (chosen on the page). */
  | { type: 'summary'; summary: ModelSummary; dims: DimBindings }
  | { type: 'error'; file: string; message: string };

/** Symbolic input dim → the positive integer it stands for ("batch_size" → 1). */
export type DimBindings = Record<string, number>;

export type PageMessage = { type: 'ready' } | { type: 'reload' } | { type: 'bindDims'; dims: DimBindings } | { type: 'train' };

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value).length;
  if ((value.type === 'ready' || value.type === 'reload' || value.type === 'train') && keys === 1) return { type: value.type };
  if (value.type === 'bindDims' && keys === 2) {
    const dims = parseDimBindings(value.dims);
    return dims && { type: 'bindDims', dims };
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
  if (!isRecord(value)) return undefined;
  if (value.type === 'loading' && typeof value.file === 'string') return { type: 'loading', file: value.file };
  if (value.type === 'error' && typeof value.file === 'string' && typeof value.message === 'string') {
    return { type: 'error', file: value.file, message: value.message };
  }
  if (value.type === 'summary' && isRecord(value.summary) && Array.isArray(value.summary.layers) && Array.isArray(value.summary.inputs)) {
    const dims = value.dims === undefined ? {} : parseDimBindings(value.dims);
    return dims && { type: 'summary', summary: value.summary as unknown as ModelSummary, dims };
  }
  return undefined;
}
