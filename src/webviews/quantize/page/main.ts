import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { colormap } from '../../../runtime/explain/colormap';
import type { ExplanationDrift, QuantizeReport } from '../../../runtime/quantize/types';
import { h } from '../../inspector/page/dom';
import { normalizedHeat } from '../../preview/page/heatmap';
import { describePreprocessing, field, preprocessingFields, select } from '../../shared/page/preprocessing-form';
import { parseHostMessage, parseQuantizePageState, type FolderChoice, type FolderPurpose, type ModelInfo, type PageMessage, type QuantizePageState, type QuantizeSettings } from '../protocol';
import {
  agreementFigures, comparisonRows, defaultFormValues, excludeWorst, formatPercent, formValuesFrom, rankSensitivity, reportNotes, sensitivityBars, settingsFromForm, type FormValues,
} from './report-view';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: QuantizePageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const header = h('header', { id: 'quantize-header', class: 'quantize-header' });
const settingsSection = h('section', { id: 'settings', class: 'settings' });
const status = h('div', { id: 'status', class: 'status', role: 'status' });
const reportSection = h('section', { id: 'report', class: 'report' });
app.replaceChildren(h('main', { class: 'layout' }, h('div', { class: 'left' }, header, settingsSection, status), reportSection));

let state: QuantizePageState | undefined = parseQuantizePageState(vscode.getState());
let model: ModelInfo | null = null;
let folders: FolderChoice[] = [];
let nextRequestId = 1;
let runningRequest: number | undefined;
/** Reads the form as it is now; set by renderSettings. */
let readForm: () => FormValues = defaultFormValues;
const folderSelects: Partial<Record<FolderPurpose, HTMLSelectElement>> = {};
const pendingPicks = new Map<number, FolderPurpose>();
let chart: Chart | undefined;

/** The children that are there: replaceChildren takes no nulls. */
function present(...children: (Node | string | null)[]): (Node | string)[] {
  return children.filter((child): child is Node | string => child !== null);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function saveState(patch: Partial<QuantizePageState>): void {
  if (!model) return;
  state = { ...(state?.model === model.file ? state : {}), ...patch, model: model.file };
  vscode.setState(state);
}

function button(label: string, id: string, onClick: () => void, icon?: string, secondary = true): HTMLElement {
  const attributes: Record<string, string | boolean> = { id, secondary };
  if (icon) attributes.icon = icon;
  const element = h('vscode-button', attributes, label);
  element.addEventListener('click', onClick);
  return element;
}

function checkbox(id: string, label: string, checked: boolean, title = ''): { element: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { id, type: 'checkbox', checked });
  return { input, element: h('label', { class: 'check', title }, input, h('span', {}, label)) };
}

function folderLabel(choice: FolderChoice): string {
  const parts = choice.folder.split(/[\\/]/);
  const name = parts.slice(-2).join('/');
  return `${name} (${choice.images} image${choice.images === 1 ? '' : 's'}${choice.classes > 0 ? `, ${choice.classes} classes` : ''})`;
}

const BROWSE = '\u0000browse';

function folderSelect(purpose: FolderPurpose, value: string, emptyLabel: string): HTMLSelectElement {
  const options: [string, string][] = [['', emptyLabel], ...folders.map((choice): [string, string] => [choice.folder, folderLabel(choice)])];
  if (value && !folders.some((choice) => choice.folder === value)) options.push([value, baseName(value)]);
  options.push([BROWSE, 'Browse…']);
  const element = select(`${purpose}-folder`, options, value);
  let previous = element.value;
  element.addEventListener('change', () => {
    if (element.value !== BROWSE) {
      previous = element.value;
      return;
    }
    element.value = previous;
    const requestId = nextRequestId++;
    pendingPicks.set(requestId, purpose);
    vscode.postMessage({ type: 'pickFolder', requestId, purpose });
  });
  folderSelects[purpose] = element;
  return element;
}

function addPickedFolder(purpose: FolderPurpose, choice: FolderChoice): void {
  if (!folders.some((known) => known.folder === choice.folder)) folders = [...folders, choice];
  const element = folderSelects[purpose];
  if (!element) return;
  if (![...element.options].some((option) => option.value === choice.folder)) {
    element.insertBefore(h('option', { value: choice.folder }, folderLabel(choice)), element.options[element.options.length - 1]);
  }
  element.value = choice.folder;
  element.dispatchEvent(new Event('change'));
}

function renderHeader(): void {
  header.replaceChildren(...present(
    h('h1', { title: model?.file ?? '' }, model ? baseName(model.file) : 'No model chosen'),
    model ? h('vscode-badge', { id: 'model-format' }, model.format === 'tfjs' ? 'TensorFlow.js' : 'ONNX') : null,
    button('Model…', 'pick-model', () => vscode.postMessage({ type: 'pickModel' }), 'symbol-misc'),
  ));
}

/** The settings form: only the fields that apply to the mode (and the model's format) are shown. */
function renderSettings(values: FormValues): void {
  if (!model) {
    settingsSection.replaceChildren(h('p', { class: 'muted' }, 'Choose an ONNX model or a TensorFlow.js model.json to quantize.'));
    return;
  }
  const tfjs = model.format === 'tfjs';
  const mode = select('mode', [['static', 'static int8 (calibrated)'], ['dynamic', 'dynamic int8 (weights only)'], ['fp16', 'float16']], values.mode);
  const tfjsDtype = select('tfjs-dtype', [['uint8', 'uint8 weights'], ['uint16', 'uint16 weights'], ['float16', 'float16 weights']], values.tfjsDtype);
  const tfjsWeights = h('input', { id: 'tfjs-weights', value: values.tfjsWeights, placeholder: 'all weights (or names, wildcards: conv*, dense_1/*)' });
  const calibration = folderSelect('calibration', values.calibration, '(choose a folder)');
  const calibrationLimit = h('input', { id: 'calibration-limit', type: 'number', min: '1', value: values.calibrationLimit, placeholder: 'all' });
  const method = select('method', [['minmax', 'MinMax'], ['percentile', 'Percentile'], ['entropy', 'Entropy (KL)']], values.method);
  const percentile = h('input', { id: 'percentile', type: 'number', min: '90', max: '100', step: '0.001', value: values.percentile });
  const activations = select('activations', [['int8', 'int8'], ['uint8', 'uint8']], values.activations);
  const perChannel = checkbox('per-channel', 'Per-channel weights', values.perChannel, 'one scale per output channel: matters for depthwise convolutions');
  const symmetric = checkbox('symmetric', 'Symmetric activations', values.symmetric);
  const reduceRange = select('reduce-range', [['auto', 'auto (7-bit without VNNI)'], ['on', '7-bit'], ['off', '8-bit']], values.reduceRange);
  reduceRange.title = 'onnxruntime’s reduce_range: 7-bit weights avoid int16 saturation on CPUs without VNNI';
  const keepIo = checkbox('keep-io-float32', 'Keep float32 inputs and outputs', values.keepIoFloat32);
  const exclude = h('textarea', { id: 'exclude', rows: '2', placeholder: 'node names or op types that stay float, e.g. Gemm, /fc/Gemm' });
  exclude.value = values.exclude;
  const evaluation = folderSelect('evaluation', values.evaluation, '(the calibration folder)');
  const evaluationLimit = h('input', { id: 'evaluation-limit', type: 'number', min: '1', value: values.evaluationLimit, placeholder: 'all' });
  const sensitivity = checkbox('sensitivity', 'Per-layer sensitivity', values.sensitivity, 'quantize one layer at a time and rank layers by the error they add');
  const automatic = checkbox('automatic', 'Automatic: keep the worst layers float until the accuracy drop is within the budget', values.automatic);
  const budget = h('input', { id: 'accuracy-budget', type: 'number', min: '0', max: '100', step: '0.1', value: values.accuracyBudget });
  const drift = h('input', { id: 'drift-images', type: 'number', min: '0', max: '16', value: values.driftImages });
  const pre = model.preprocessing ? preprocessingFields({ ...model.preprocessing, ...values.preprocessing }) : undefined;
  const preprocessing = h('details', { id: 'preprocessing', class: 'preprocessing' },
    h('summary', {}, model.preprocessing ? `Preprocessing: ${describePreprocessing({ ...model.preprocessing, ...values.preprocessing })}` : 'Preprocessing: reading the model…'),
    model.preprocessing ? h('p', { class: 'muted' }, `As in the Preview panel; chosen by: ${model.preprocessing.source ?? 'settings'}`) : null,
    pre?.element ?? null);

  const groups = {
    static: h('div', { class: 'group', 'data-for': 'static' },
      field('Calibration images', calibration), field('At most', calibrationLimit),
      field('Calibration', method), field('Percentile', percentile), field('Activations', activations), symmetric.element),
    quantized: h('div', { class: 'group', 'data-for': 'int8' }, perChannel.element, field('Weight bits', reduceRange)),
    fp16: h('div', { class: 'group', 'data-for': 'fp16' }, keepIo.element),
  };
  const update = () => {
    const chosen = mode.value;
    groups.static.hidden = tfjs || chosen !== 'static';
    groups.quantized.hidden = tfjs || chosen === 'fp16';
    groups.fp16.hidden = tfjs || chosen !== 'fp16';
    percentile.parentElement!.hidden = method.value !== 'percentile';
    budget.disabled = !automatic.input.checked;
  };
  mode.addEventListener('change', update);
  method.addEventListener('change', update);
  automatic.input.addEventListener('change', update);

  readForm = () => ({
    mode: mode.value as FormValues['mode'], perChannel: perChannel.input.checked, method: method.value as FormValues['method'], percentile: percentile.value,
    activations: activations.value as FormValues['activations'], symmetric: symmetric.input.checked, reduceRange: reduceRange.value as FormValues['reduceRange'], exclude: exclude.value,
    calibration: calibration.value === BROWSE ? '' : calibration.value, calibrationLimit: calibrationLimit.value,
    evaluation: evaluation.value === BROWSE ? '' : evaluation.value, evaluationLimit: evaluationLimit.value,
    keepIoFloat32: keepIo.input.checked, sensitivity: sensitivity.input.checked, automatic: automatic.input.checked, accuracyBudget: budget.value,
    driftImages: drift.value, tfjsDtype: tfjsDtype.value as FormValues['tfjsDtype'], tfjsWeights: tfjsWeights.value, preprocessing: pre?.read(),
  });

  const run = button('Quantize', 'quantize', () => startRun(), 'zap', false);
  const cancel = button('Cancel', 'cancel', () => {
    if (runningRequest !== undefined) vscode.postMessage({ type: 'cancel', requestId: runningRequest });
  }, 'debug-stop');
  cancel.hidden = true;
  settingsSection.replaceChildren(...present(
    tfjs
      ? h('div', { class: 'group' }, field('Weights', tfjsDtype), field('Which weights', tfjsWeights),
        h('p', { class: 'muted' }, 'tfjs-converter’s weight quantization: a smaller download, dequantized when the model loads.'))
      : h('div', { class: 'group' }, field('Mode', mode)),
    groups.static, groups.quantized, groups.fp16,
    tfjs ? null : field('Keep float (exclusions)', exclude),
    h('div', { class: 'group' }, field('Evaluation images', evaluation), field('At most', evaluationLimit), sensitivity.element,
      automatic.element, field('Budget (points)', budget),
      tfjs ? null : field('Grad-CAM drift on images', drift)),
    preprocessing,
    h('div', { class: 'actions' }, run, cancel),
  ));
  update();
}

function setRunning(requestId: number | undefined): void {
  runningRequest = requestId;
  const run = document.getElementById('quantize');
  const cancel = document.getElementById('cancel');
  if (run) run.toggleAttribute('disabled', requestId !== undefined);
  if (cancel) cancel.hidden = requestId === undefined;
}

function showStatus(...children: (Node | string | null)[]): void {
  status.replaceChildren(...present(...children));
}

function startRun(settings?: QuantizeSettings): void {
  if (!model || runningRequest !== undefined) return;
  let chosen = settings;
  if (!chosen) {
    const parsed = settingsFromForm(readForm(), model.format);
    if ('error' in parsed) {
      showStatus(h('span', { class: 'error', role: 'alert' }, parsed.error));
      return;
    }
    chosen = parsed.settings;
  }
  saveState({ settings: chosen });
  const requestId = nextRequestId++;
  setRunning(requestId);
  showStatus(h('vscode-progress-bar', { id: 'progress', 'aria-label': 'Quantizing' }), h('span', { id: 'progress-message' }, 'Starting…'));
  vscode.postMessage({ type: 'quantize', requestId, settings: chosen });
}

function showProgress(message: string, percent: number | null): void {
  const bar = document.getElementById('progress') as (HTMLElement & { value?: number; max: number }) | null;
  if (bar && percent !== null) {
    bar.max = 100;
    bar.value = percent;
  }
  const text = document.getElementById('progress-message');
  if (text) text.textContent = percent === null ? message : `${message} (${Math.round(percent)}%)`;
}

function figure(label: string, value: string, id: string, title = ''): HTMLElement {
  return h('div', { class: 'figure', id, title }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label' }, label));
}

function renderComparison(report: QuantizeReport): HTMLElement {
  const rows = comparisonRows(report);
  return h('table', { id: 'comparison', class: 'comparison' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Original'), h('th', {}, report.mode === 'fp16' ? 'float16' : 'Quantized'), h('th', {}, 'Change'))),
    h('tbody', {}, ...rows.map((row) => h('tr', { 'data-row': row.key },
      h('th', {}, row.label), h('td', { class: 'original' }, row.original), h('td', { class: 'quantized' }, row.quantized),
      h('td', { class: row.better ? 'better' : 'worse' }, row.change)))));
}

function renderSensitivity(report: QuantizeReport, settings: QuantizeSettings | undefined): HTMLElement | null {
  const layers = report.sensitivity ?? [];
  if (layers.length === 0) return null;
  const bars = sensitivityBars(layers);
  const canvas = h('canvas', { id: 'sensitivity-chart', 'aria-label': 'Per-layer SQNR in dB, worst first' });
  const holder = h('div', { class: 'chart' }, canvas);
  holder.style.height = `${40 + 22 * bars.labels.length}px`;
  const next = settings ? excludeWorst(settings, report) : undefined;
  const worst = rankSensitivity(layers).find((layer) => !layer.excluded);
  const action = next && worst
    ? button(`Exclude ${worst.name} and re-quantize`, 'exclude-worst', () => startRun(next), 'debug-rerun')
    : null;
  requestAnimationFrame(() => drawChart(canvas, bars));
  return h('section', { id: 'sensitivity', class: 'card' },
    h('h2', {}, 'Per-layer sensitivity'),
    h('p', { class: 'muted' }, 'SQNR at the output when only this layer is quantized: the shortest bars hurt the most.'),
    holder, action,
    report.exclusions && report.exclusions.length > 0 ? h('p', { id: 'exclusions' }, `Kept float: ${report.exclusions.join(', ')}`) : null);
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function drawChart(canvas: HTMLCanvasElement, bars: ReturnType<typeof sensitivityBars>): void {
  chart?.destroy();
  const foreground = cssColor('--vscode-foreground', '#ccc');
  const accent = cssColor('--vscode-charts-blue', '#3794ff');
  const muted = cssColor('--vscode-disabledForeground', '#888');
  const grid = cssColor('--vscode-panel-border', '#444');
  chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: bars.labels, datasets: [{ label: 'SQNR (dB)', data: bars.values, backgroundColor: bars.excluded.map((excluded) => (excluded ? muted : accent)) }] },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { title: { display: true, text: 'SQNR (dB)', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        y: { ticks: { color: foreground, autoSkip: false, font: { size: 11 } }, grid: { display: false } },
      },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.formattedValue} dB${bars.excluded[item.dataIndex] ? ' (kept float)' : ''}` } } },
    },
  });
}

function camCanvas(cam: { data: number[]; dims: number[] }, label: string): HTMLElement {
  const [height, width] = cam.dims.slice(-2);
  const side = 112;
  const heat = normalizedHeat({ size: [height, width], values: cam.data }, side, side, 'gradcam');
  const canvas = h('canvas', { width: String(side), height: String(side), class: 'cam' });
  const context = canvas.getContext('2d')!;
  const pixels = context.createImageData(side, side);
  const color = colormap('jet');
  for (let p = 0; p < heat.length; p++) {
    const [r, g, b] = color(heat[p]);
    pixels.data.set([r, g, b, 255], p * 4);
  }
  context.putImageData(pixels, 0, 0);
  return h('figure', {}, canvas, h('figcaption', { class: 'muted' }, label));
}

function renderDrift(drifts: ExplanationDrift[]): HTMLElement | null {
  if (drifts.length === 0) return null;
  // The class folder and the file name: evaluation images of different classes often share file names.
  const shortName = (file: string) => file.split(/[\\/]/).slice(-2).join('/');
  return h('section', { id: 'drift', class: 'card' },
    h('h2', {}, 'Explanation drift (Grad-CAM)'),
    h('div', { class: 'drift-rows' }, ...drifts.map((drift) => h('div', { class: 'drift-row', 'data-image': drift.image },
      h('div', { class: 'drift-title' }, h('strong', { title: drift.image }, shortName(drift.image)), h('span', { class: drift.cosine >= 0.9 ? 'better' : 'worse' }, ` cosine ${drift.cosine.toFixed(3)}`)),
      h('div', { class: 'cams' }, camCanvas(drift.floatCam, `float · class ${drift.floatClass}`), camCanvas(drift.quantizedCam, `quantized · class ${drift.quantizedClass}`))))));
}

function renderReport(report: QuantizeReport, settings: QuantizeSettings | undefined): void {
  const notes = reportNotes(report);
  const agreement = agreementFigures(report);
  const kept = report.nodes.keptFloat;
  reportSection.replaceChildren(...present(
    h('section', { id: 'result', class: 'card' },
      h('h2', {}, 'Result'),
      h('div', { class: 'output' }, h('code', { id: 'output-file', title: report.output }, baseName(report.output))),
      h('div', { class: 'actions' },
        button('Inspect', 'open-inspector', () => vscode.postMessage({ type: 'open', target: 'inspector' }), 'type-hierarchy'),
        button('Preview', 'open-preview', () => vscode.postMessage({ type: 'open', target: 'preview' }), 'eye'),
        button('Reveal', 'open-explorer', () => vscode.postMessage({ type: 'open', target: 'explorer' }), 'files')),
      renderComparison(report),
      h('p', { class: 'muted', id: 'cpu' }, `CPU int8 support: ${report.cpuInt8Support} · ${report.provider}`),
      notes.length > 0 ? h('ul', { id: 'warnings', class: 'warnings' }, ...notes.map((note) => h('li', {}, note))) : null,
      agreement.length > 0 ? h('div', { id: 'agreement', class: 'figures' }, ...agreement.map((entry) => figure(entry.label, entry.value, `agreement-${entry.label.replace(/\W+/g, '-')}`, entry.title))) : null,
      h('p', { class: 'muted', id: 'nodes' },
        `${report.nodes.quantized} node${report.nodes.quantized === 1 ? '' : 's'} quantized, ${kept.length} kept float`,
        report.calibration ? ` · calibrated (${report.calibration.method}) on ${report.calibration.images} images` : '',
        report.agreement ? ` · evaluated on ${report.agreement.images} images` : ''),
      kept.length > 0
        ? h('details', { id: 'kept-float' }, h('summary', {}, 'Kept float, and why'),
          h('ul', {}, ...kept.map((node) => h('li', {}, h('code', {}, node.name), ` ${node.opType}: ${node.reason}`))))
        : null),
    renderSensitivity(report, settings),
    renderDrift(report.explanationDrift ?? []),
  ));
}

function showSetup(info: ModelInfo | null, choices: FolderChoice[]): void {
  const sameModel = info !== null && state?.model === info.file;
  model = info;
  folders = choices;
  renderHeader();
  const values = sameModel && state?.settings ? formValuesFrom(state.settings) : defaultFormValues();
  if (!sameModel || !state?.settings) {
    // A labelled folder is the best first guess for calibration (and, through it, evaluation with accuracy).
    values.calibration = folders[0]?.folder ?? '';
  }
  renderSettings(values);
  if (sameModel && state?.report) renderReport(state.report, state.settings);
  else {
    chart?.destroy();
    reportSection.replaceChildren(h('p', { class: 'muted empty' }, 'The report shows here: sizes, latency, agreement and accuracy, per-layer sensitivity and explanation drift.'));
  }
  if (runningRequest === undefined) showStatus();
  if (info) saveState({});
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  switch (message.type) {
    case 'setup':
      showSetup(message.model, message.folders);
      return;
    case 'folderPicked': {
      const purpose = pendingPicks.get(message.requestId);
      pendingPicks.delete(message.requestId);
      if (purpose) addPickedFolder(purpose, message.choice);
      return;
    }
    case 'progress':
      if (message.requestId === runningRequest) showProgress(message.message, message.percent);
      return;
    case 'report':
      if (message.requestId !== runningRequest) return;
      setRunning(undefined);
      saveState({ settings: message.settings, report: message.report });
      renderSettings(formValuesFrom(message.settings));
      renderReport(message.report, message.settings);
      // In a narrow panel the report sits below the settings: bring it into view.
      if (getComputedStyle(app.firstElementChild!).gridTemplateColumns.split(' ').length === 1) reportSection.scrollIntoView({ block: 'start' });
      showStatus(h('span', { class: 'muted' }, `Wrote ${baseName(message.report.output)}` +
        (message.report.quantized.accuracy !== undefined ? ` · accuracy ${formatPercent(message.report.quantized.accuracy)}` : '')));
      return;
    case 'cancelled':
      if (message.requestId !== runningRequest) return;
      setRunning(undefined);
      showStatus(h('span', { class: 'muted', id: 'cancelled' }, 'Cancelled.'));
      return;
    case 'error':
      if (message.requestId !== null && message.requestId === runningRequest) setRunning(undefined);
      showStatus(h('span', { class: 'error', role: 'alert', id: 'error' }, message.message));
      return;
  }
});

vscode.postMessage({ type: 'ready' });
