import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { colormap } from '../../../runtime/explain/colormap';
import type { ExplanationDrift, QuantizeReport } from '../../../runtime/quantize/types';
import { h } from '../../inspector/page/dom';
import { normalizedHeat } from '../../preview/page/heatmap';
import { describePreprocessing, field, preprocessingFields, select } from '../../shared/page/preprocessing-form';
import { readPageStrings } from '../../shared/page/strings';
import { formatString as format } from '../../shared/strings';
import { parseHostMessage, parseQuantizePageState, QUANTIZE_STRINGS, type FolderChoice, type FolderPurpose, type ModelInfo, type PageMessage, type QuantizePageState, type QuantizeSettings } from '../protocol';
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
const strings = readPageStrings(QUANTIZE_STRINGS);
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
  if (choice.classes > 0) return format(strings.folderImagesClasses, name, choice.images, choice.classes);
  return choice.images === 1 ? format(strings.folderOneImage, name) : format(strings.folderImages, name, choice.images);
}

const BROWSE = '\u0000browse';

function folderSelect(purpose: FolderPurpose, value: string, emptyLabel: string): HTMLSelectElement {
  const options: [string, string][] = [['', emptyLabel], ...folders.map((choice): [string, string] => [choice.folder, folderLabel(choice)])];
  if (value && !folders.some((choice) => choice.folder === value)) options.push([value, baseName(value)]);
  options.push([BROWSE, strings.browse]);
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
    h('h1', { title: model?.file ?? '' }, model ? baseName(model.file) : strings.noModel),
    model ? h('vscode-badge', { id: 'model-format' }, model.format === 'tfjs' ? 'TensorFlow.js' : 'ONNX') : null,
    button(strings.pickModel, 'pick-model', () => vscode.postMessage({ type: 'pickModel' }), 'symbol-misc'),
  ));
}

/** The settings form: only the fields that apply to the mode (and the model's format) are shown. */
function renderSettings(values: FormValues): void {
  if (!model) {
    settingsSection.replaceChildren(h('p', { class: 'muted' }, strings.chooseModelHint));
    return;
  }
  const tfjs = model.format === 'tfjs';
  const mode = select('mode', [['static', strings.modeStatic], ['dynamic', strings.modeDynamic], ['fp16', strings.float16]], values.mode);
  const tfjsDtype = select('tfjs-dtype', [['uint8', strings.tfjsUint8], ['uint16', strings.tfjsUint16], ['float16', strings.tfjsFloat16]], values.tfjsDtype);
  const tfjsWeights = h('input', { id: 'tfjs-weights', value: values.tfjsWeights, placeholder: strings.tfjsWeightsPlaceholder });
  const calibration = folderSelect('calibration', values.calibration, strings.chooseFolder);
  const calibrationLimit = h('input', { id: 'calibration-limit', type: 'number', min: '1', value: values.calibrationLimit, placeholder: strings.all });
  const method = select('method', [['minmax', strings.methodMinMax], ['percentile', strings.percentile], ['entropy', strings.methodEntropy]], values.method);
  const percentile = h('input', { id: 'percentile', type: 'number', min: '90', max: '100', step: '0.001', value: values.percentile });
  const activations = select('activations', [['int8', 'int8'], ['uint8', 'uint8']], values.activations);
  const perChannel = checkbox('per-channel', strings.perChannel, values.perChannel, strings.perChannelTitle);
  const symmetric = checkbox('symmetric', strings.symmetric, values.symmetric);
  const reduceRange = select('reduce-range', [['auto', strings.reduceAuto], ['on', strings.reduce7], ['off', strings.reduce8]], values.reduceRange);
  reduceRange.title = strings.reduceRangeTitle;
  const keepIo = checkbox('keep-io-float32', strings.keepIo, values.keepIoFloat32);
  const exclude = h('textarea', { id: 'exclude', rows: '2', placeholder: strings.excludePlaceholder });
  exclude.value = values.exclude;
  const evaluation = folderSelect('evaluation', values.evaluation, strings.calibrationFolderDefault);
  const evaluationLimit = h('input', { id: 'evaluation-limit', type: 'number', min: '1', value: values.evaluationLimit, placeholder: strings.all });
  const sensitivity = checkbox('sensitivity', strings.sensitivity, values.sensitivity, strings.sensitivityTitle);
  const automatic = checkbox('automatic', strings.automatic, values.automatic);
  const budget = h('input', { id: 'accuracy-budget', type: 'number', min: '0', max: '100', step: '0.1', value: values.accuracyBudget });
  const drift = h('input', { id: 'drift-images', type: 'number', min: '0', max: '16', value: values.driftImages });
  const pre = model.preprocessing ? preprocessingFields({ ...model.preprocessing, ...values.preprocessing }, strings) : undefined;
  const preprocessing = h('details', { id: 'preprocessing', class: 'preprocessing' },
    h('summary', {}, model.preprocessing ? format(strings.preprocessing, describePreprocessing({ ...model.preprocessing, ...values.preprocessing }, strings)) : strings.preprocessingReading),
    model.preprocessing ? h('p', { class: 'muted' }, format(strings.preprocessingSource, model.preprocessing.source ?? strings.settingsSource)) : null,
    pre?.element ?? null);

  const groups = {
    static: h('div', { class: 'group', 'data-for': 'static' },
      field(strings.calibrationImages, calibration), field(strings.atMost, calibrationLimit),
      field(strings.calibration, method), field(strings.percentile, percentile), field(strings.activations, activations), symmetric.element),
    quantized: h('div', { class: 'group', 'data-for': 'int8' }, perChannel.element, field(strings.weightBits, reduceRange)),
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

  const run = button(strings.quantize, 'quantize', () => startRun(), 'zap', false);
  const cancel = button(strings.cancel, 'cancel', () => {
    if (runningRequest !== undefined) vscode.postMessage({ type: 'cancel', requestId: runningRequest });
  }, 'debug-stop');
  cancel.hidden = true;
  settingsSection.replaceChildren(...present(
    tfjs
      ? h('div', { class: 'group' }, field(strings.weights, tfjsDtype), field(strings.whichWeights, tfjsWeights),
        h('p', { class: 'muted' }, strings.tfjsNote))
      : h('div', { class: 'group' }, field(strings.mode, mode)),
    groups.static, groups.quantized, groups.fp16,
    tfjs ? null : field(strings.keepFloat, exclude),
    h('div', { class: 'group' }, field(strings.evaluationImages, evaluation), field(strings.atMost, evaluationLimit), sensitivity.element,
      automatic.element, field(strings.budget, budget),
      tfjs ? null : field(strings.driftImages, drift)),
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
    const parsed = settingsFromForm(readForm(), model.format, strings);
    if ('error' in parsed) {
      showStatus(h('span', { class: 'error', role: 'alert' }, parsed.error));
      return;
    }
    chosen = parsed.settings;
  }
  saveState({ settings: chosen });
  const requestId = nextRequestId++;
  setRunning(requestId);
  showStatus(h('vscode-progress-bar', { id: 'progress', 'aria-label': strings.quantizing }), h('span', { id: 'progress-message' }, strings.starting));
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
  const rows = comparisonRows(report, strings);
  return h('table', { id: 'comparison', class: 'comparison' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, strings.original), h('th', {}, report.mode === 'fp16' ? strings.float16 : strings.quantized), h('th', {}, strings.change))),
    h('tbody', {}, ...rows.map((row) => h('tr', { 'data-row': row.key },
      h('th', {}, row.label), h('td', { class: 'original' }, row.original), h('td', { class: 'quantized' }, row.quantized),
      h('td', { class: row.better ? 'better' : 'worse' }, row.change)))));
}

function renderSensitivity(report: QuantizeReport, settings: QuantizeSettings | undefined): HTMLElement | null {
  const layers = report.sensitivity ?? [];
  if (layers.length === 0) return null;
  const bars = sensitivityBars(layers);
  const canvas = h('canvas', { id: 'sensitivity-chart', 'aria-label': strings.sensitivityChart });
  const holder = h('div', { class: 'chart' }, canvas);
  holder.style.height = `${40 + 22 * bars.labels.length}px`;
  const next = settings ? excludeWorst(settings, report) : undefined;
  const worst = rankSensitivity(layers).find((layer) => !layer.excluded);
  const action = next && worst
    ? button(format(strings.excludeWorst, worst.name), 'exclude-worst', () => startRun(next), 'debug-rerun')
    : null;
  requestAnimationFrame(() => drawChart(canvas, bars));
  return h('section', { id: 'sensitivity', class: 'card' },
    h('h2', {}, strings.sensitivity),
    h('p', { class: 'muted' }, strings.sensitivityNote),
    holder, action,
    report.exclusions && report.exclusions.length > 0 ? h('p', { id: 'exclusions' }, format(strings.keptFloatList, report.exclusions.join(', '))) : null);
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
    data: { labels: bars.labels, datasets: [{ label: strings.sqnr, data: bars.values, backgroundColor: bars.excluded.map((excluded) => (excluded ? muted : accent)) }] },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { title: { display: true, text: strings.sqnr, color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        y: { ticks: { color: foreground, autoSkip: false, font: { size: 11 } }, grid: { display: false } },
      },
      plugins: { tooltip: { callbacks: { label: (item) => format(bars.excluded[item.dataIndex] ? strings.sqnrValueKept : strings.sqnrValue, item.formattedValue) } } },
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
    h('h2', {}, strings.drift),
    h('div', { class: 'drift-rows' }, ...drifts.map((drift) => h('div', { class: 'drift-row', 'data-image': drift.image },
      h('div', { class: 'drift-title' }, h('strong', { title: drift.image }, shortName(drift.image)), h('span', { class: drift.cosine >= 0.9 ? 'better' : 'worse' }, ` ${format(strings.cosine, drift.cosine.toFixed(3))}`)),
      h('div', { class: 'cams' }, camCanvas(drift.floatCam, format(strings.floatClass, drift.floatClass)), camCanvas(drift.quantizedCam, format(strings.quantizedClass, drift.quantizedClass)))))));
}

function renderReport(report: QuantizeReport, settings: QuantizeSettings | undefined): void {
  const notes = reportNotes(report, strings);
  const agreement = agreementFigures(report, strings);
  const kept = report.nodes.keptFloat;
  reportSection.replaceChildren(...present(
    h('section', { id: 'result', class: 'card' },
      h('h2', {}, strings.result),
      h('div', { class: 'output' }, h('code', { id: 'output-file', title: report.output }, baseName(report.output))),
      h('div', { class: 'actions' },
        button(strings.inspect, 'open-inspector', () => vscode.postMessage({ type: 'open', target: 'inspector' }), 'type-hierarchy'),
        button(strings.preview, 'open-preview', () => vscode.postMessage({ type: 'open', target: 'preview' }), 'eye'),
        button(strings.reveal, 'open-explorer', () => vscode.postMessage({ type: 'open', target: 'explorer' }), 'files')),
      renderComparison(report),
      h('p', { class: 'muted', id: 'cpu' }, format(strings.cpu, report.cpuInt8Support, report.provider)),
      notes.length > 0 ? h('ul', { id: 'warnings', class: 'warnings' }, ...notes.map((note) => h('li', {}, note))) : null,
      agreement.length > 0 ? h('div', { id: 'agreement', class: 'figures' }, ...agreement.map((entry) => figure(entry.label, entry.value, `agreement-${entry.key}`, entry.title))) : null,
      h('p', { class: 'muted', id: 'nodes' }, [
        report.nodes.quantized === 1 ? format(strings.nodesOne, kept.length) : format(strings.nodes, report.nodes.quantized, kept.length),
        report.calibration ? format(strings.calibratedOn, report.calibration.method, report.calibration.images) : '',
        report.agreement ? format(strings.evaluatedOn, report.agreement.images) : '',
      ].filter(Boolean).join(' · ')),
      kept.length > 0
        ? h('details', { id: 'kept-float' }, h('summary', {}, strings.keptFloatWhy),
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
    reportSection.replaceChildren(h('p', { class: 'muted empty' }, strings.reportEmpty));
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
      showStatus(h('span', { class: 'muted' }, format(strings.wrote, baseName(message.report.output)) +
        (message.report.quantized.accuracy !== undefined ? ` · ${format(strings.accuracy, formatPercent(message.report.quantized.accuracy))}` : '')));
      return;
    case 'cancelled':
      if (message.requestId !== runningRequest) return;
      setRunning(undefined);
      showStatus(h('span', { class: 'muted', id: 'cancelled' }, strings.cancelled));
      return;
    case 'error':
      if (message.requestId !== null && message.requestId === runningRequest) setRunning(undefined);
      showStatus(h('span', { class: 'error', role: 'alert', id: 'error' }, message.message));
      return;
  }
});

vscode.postMessage({ type: 'ready' });
