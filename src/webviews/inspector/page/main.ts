import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ModelSummary, TensorInfo } from '../../../runtime/inspect/types';
import { RequestCounter, type Unnumbered } from '../../shared/messages';
import { readPageStrings } from '../../shared/page/strings';
import { formatString as format } from '../../shared/strings';
import { INSPECTOR_STRINGS, INSPECTOR_TABS, parseHostMessage, parsePageState, type DimBindings, type InspectorTab, type PageMessage, type PageState } from '../protocol';
import { h } from './dom';
import { formatBytes, formatCount, formatExact, formatShape } from './format';
import { layerNodeId } from './graph-model';
import { GraphView } from './graph-view';
import { LayerTable } from './layer-table';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const strings = readPageStrings(INSPECTOR_STRINGS);
const app = document.getElementById('app')!;
let state: PageState | undefined = parsePageState(vscode.getState());

function saveState(patch: Partial<PageState>): void {
  if (!state) return;
  state = { ...state, ...patch };
  vscode.setState(state);
}

const requests = new RequestCounter();

function request(message: Unnumbered<PageMessage>): void {
  vscode.postMessage({ ...message, requestId: requests.next() } as PageMessage);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function showLoading(file: string): void {
  app.replaceChildren(
    h('div', { id: 'loading', class: 'loading' }, h('vscode-progress-ring'), h('span', {}, format(strings.inspecting, baseName(file)))),
  );
}

function showError(file: string, message: string): void {
  const retry = h('vscode-button', { id: 'error-reload', icon: 'refresh' }, strings.tryAgain);
  retry.addEventListener('click', () => request({ type: 'reload' }));
  app.replaceChildren(
    h(
      'section',
      { id: 'error', class: 'error-panel', role: 'alert' },
      h('h2', {}, h('vscode-icon', { name: 'error' }), ` ${strings.notAModel}`),
      h('p', {}, `${strings.fileLabel} `, h('code', { id: 'error-file' }, file)),
      h('pre', { id: 'error-message' }, message),
      h('p', { class: 'muted' }, strings.readsWhat),
      retry,
    ),
  );
}

function stat(label: string, value: string, id: string, exact?: string): HTMLElement {
  return h('div', { class: 'stat', id, title: exact ?? value }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
}

function quantizeButton(): HTMLElement {
  const button = h('vscode-button', { id: 'quantize-model', icon: 'zap', secondary: true }, strings.quantize);
  button.addEventListener('click', () => request({ type: 'quantize' }));
  return button;
}

/** Opens the Train panel on this model (fine-tune it, or give it a new head). */
function trainButton(): HTMLElement {
  const train = h('vscode-button', { id: 'train-model', icon: 'mortar-board', secondary: true }, strings.train);
  train.addEventListener('click', () => request({ type: 'train' }));
  return train;
}

function renderSummaryHeader(summary: ModelSummary): HTMLElement {
  const badges = h(
    'div',
    { class: 'badges' },
    h('vscode-badge', { id: 'summary-format' }, summary.format),
    summary.opset !== null && h('vscode-badge', { id: 'summary-opset' }, format(strings.opset, summary.opset)),
    summary.irVersion !== null && h('vscode-badge', { id: 'summary-ir' }, format(strings.ir, summary.irVersion)),
    summary.producer && h('span', { id: 'summary-producer', class: 'muted' }, format(strings.producedBy, summary.producer)),
  );
  const dtypes = Object.entries(summary.paramBytesByDtype).map(([dtype, { count, bytes }]) =>
    h('li', { 'data-dtype': dtype }, h('code', {}, dtype), ` ${format(strings.dtypeValues, formatExact(count), formatBytes(bytes))}`),
  );
  return h(
    'header',
    { id: 'summary', class: 'summary' },
    h('div', { class: 'title-row' }, h('h1', {}, baseName(summary.file)), badges, quantizeButton(), trainButton()),
    h('div', { class: 'muted path', title: summary.file }, summary.file),
    h(
      'div',
      { class: 'stats' },
      stat(strings.parameters, formatCount(summary.params), 'summary-params', formatExact(summary.params)),
      summary.macs === null
        ? stat(strings.macs, strings.macsUnknown, 'summary-macs', format(strings.macsKnownTitle, formatExact(summary.macsKnown)))
        : stat(strings.macs, formatCount(summary.macs), 'summary-macs', formatExact(summary.macs)),
      stat(strings.layers, formatExact(summary.layers.length), 'summary-layers'),
      stat(strings.fileSize, formatBytes(summary.fileSize), 'summary-file-size', format(strings.bytes, formatExact(summary.fileSize))),
    ),
    dtypes.length > 0 && h('div', { class: 'dtypes' }, h('span', { class: 'muted' }, strings.weightsByDtype), h('ul', { id: 'summary-dtypes' }, ...dtypes)),
  );
}

function renderIoTable(summary: ModelSummary): HTMLElement {
  const row = (kind: 'input' | 'output', tensor: TensorInfo) =>
    h(
      'vscode-table-row',
      { 'data-kind': kind },
      h('vscode-table-cell', {}, strings[kind]),
      h('vscode-table-cell', { class: 'mono' }, tensor.name),
      h('vscode-table-cell', { class: 'mono' }, formatShape(tensor.shape)),
      h('vscode-table-cell', {}, tensor.dtype),
    );
  return h(
    'vscode-table',
    { id: 'io-table', 'bordered-columns': true, columns: JSON.stringify(['12%', '38%', '30%', '20%']) },
    h(
      'vscode-table-header',
      { slot: 'header' },
      ...[strings.kind, strings.name, strings.shape, strings.dtype].map((label) => h('vscode-table-header-cell', {}, label)),
    ),
    h('vscode-table-body', { slot: 'body' }, ...summary.inputs.map((tensor) => row('input', tensor)), ...summary.outputs.map((tensor) => row('output', tensor))),
  );
}

/**
 * A number field per symbolic input dim ("batch_size = 1") and a button that inspects again with those values. Bound
 * dims no longer appear in the inputs' shapes, so the ones the summary was made with are listed too.
 */
function renderDimBindings(summary: ModelSummary, dims: DimBindings): HTMLElement | false {
  const unbound = summary.inputs.flatMap((tensor) => (tensor.shape ?? []).filter((dim): dim is string => typeof dim === 'string'));
  const names = [...new Set([...Object.keys(dims), ...unbound])];
  if (names.length === 0) return false;
  const fields = names.map((name) => h('input', { type: 'number', min: '1', step: '1', 'data-dim': name, 'aria-label': name, value: name in dims ? String(dims[name]) : '' }));
  const apply = h('vscode-button', { id: 'dim-apply', icon: 'refresh' }, strings.inspectWithValues);
  apply.addEventListener('click', () => {
    const bound: DimBindings = {};
    for (const field of fields) {
      const value = Number(field.value);
      const invalid = field.value !== '' && !(Number.isSafeInteger(value) && value > 0);
      field.classList.toggle('invalid', invalid);
      if (field.value !== '' && !invalid) bound[field.dataset.dim!] = value;
    }
    // An empty field leaves its dim symbolic; a field that is not a positive integer is marked and nothing is sent.
    if (!fields.some((field) => field.classList.contains('invalid'))) request({ type: 'bindDims', dims: bound });
  });
  return h(
    'div',
    { id: 'dim-bindings', class: 'dim-bindings' },
    h('p', { class: 'muted' }, strings.symbolicDims),
    ...names.map((name, i) => h('label', { class: 'dim-binding' }, h('code', {}, name), ' = ', fields[i])),
    apply,
  );
}

function renderHistogram(summary: ModelSummary): HTMLElement {
  const entries = Object.entries(summary.ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const most = Math.max(1, ...entries.map(([, count]) => count));
  const rows = entries.map(([op, count]) => {
    const fill = h('div', { class: 'bar-fill' });
    fill.style.width = `${(100 * count) / most}%`;
    return h('div', { class: 'histogram-row', 'data-op': op }, h('span', { class: 'op mono' }, op), h('div', { class: 'bar' }, fill), h('span', { class: 'count' }, String(count)));
  });
  return h('div', { id: 'op-histogram', class: 'histogram' }, ...rows);
}

function showSummary(summary: ModelSummary, dims: DimBindings): void {
  const previous = state?.file === summary.file ? state : undefined;
  state = {
    file: summary.file,
    tab: previous?.tab ?? 'overview',
    filter: previous?.filter ?? '',
    sortColumn: previous?.sortColumn ?? null,
    sortDescending: previous?.sortDescending ?? false,
    selectedNode: previous?.selectedNode ?? null,
  };
  vscode.setState(state);

  const graph = new GraphView(summary, strings, (selectedNode) => saveState({ selectedNode }));
  const tabs = h('vscode-tabs', { id: 'tabs' }) as HTMLElement & { selectedIndex: number };
  const selectTab = (tab: InspectorTab) => {
    saveState({ tab });
    if (tab === 'graph') graph.show(state?.selectedNode ?? null);
  };
  const layers = new LayerTable(
    summary.layers,
    strings,
    { filter: state.filter, sortColumn: state.sortColumn, sortDescending: state.sortDescending },
    (tableState) => saveState(tableState),
    (index) => {
      saveState({ selectedNode: layerNodeId(index) });
      tabs.selectedIndex = INSPECTOR_TABS.indexOf('graph');
      selectTab('graph');
      requestAnimationFrame(() => graph.select(layerNodeId(index), true));
    },
  );

  tabs.append(
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'overview' }, strings.overview),
    h(
      'vscode-tab-panel',
      {},
      h('div', { class: 'overview' }, h('section', {}, h('h2', {}, strings.inputsOutputs), renderIoTable(summary), renderDimBindings(summary, dims)), h('section', {}, h('h2', {}, strings.opTypes), renderHistogram(summary))),
    ),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'layers' }, `${strings.layersTab} `, h('vscode-badge', { variant: 'counter' }, String(summary.layers.length))),
    h('vscode-tab-panel', {}, layers.element),
    h('vscode-tab-header', { slot: 'header', 'data-tab': 'graph' }, strings.graphTab),
    h('vscode-tab-panel', {}, graph.element),
  );
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    selectTab(INSPECTOR_TABS[index] ?? 'overview');
  });

  tabs.selectedIndex = INSPECTOR_TABS.indexOf(state.tab);
  app.replaceChildren(h('main', { id: 'inspector', 'data-file': summary.file }, renderSummaryHeader(summary), tabs));
  if (state.tab === 'graph') requestAnimationFrame(() => graph.show(state?.selectedNode ?? null));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  // A reply to an older request (the page has asked again since) is dropped.
  if (!message || !requests.isCurrent(message.requestId)) return;
  try {
    if (message.type === 'loading') showLoading(message.file);
    else if (message.type === 'error') showError(message.file, message.message);
    else showSummary(message.summary, message.dims);
  } catch (error) {
    const file = message.type === 'summary' ? message.summary.file : message.file;
    showError(file, format(strings.pageFailed, (error as Error).message));
  }
});

if (state) showLoading(state.file);
request({ type: 'ready' });
