import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { isFinalStatus } from '../../../runtime/train/events';
import type { ClassReport, MultiLabelReport, TrainEvent, TrainSummary } from '../../../runtime/train/types';
import { h } from '../../inspector/page/dom';
import { blendInto, loadImage, normalizedHeat } from '../../preview/page/heatmap';
import { readPageStrings } from '../../shared/page/strings';
import { formatString as format } from '../../shared/strings';
import { parseHostMessage, TRAIN_STRINGS, type HostMessage, type JobSnapshot, type PageMessage, type TrainPageState, type TrainSelection, type TrainSettings } from '../protocol';
import { accuracyChart, lossChart } from './charts';
import { augmentPreviewSlot, settingsForm, type SettingsForm } from './form';
import { applyEvent, emptyRunView, formatDuration, formatPercent, historyView, replay, rowShares, type RunView } from './run-view';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  setState(state: TrainPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const strings = readPageStrings(TRAIN_STRINGS);
const app = document.getElementById('app')!;

const header = h('header', { class: 'train-header' });
const setup = h('section', { id: 'setup', class: 'setup' });
const controls = h('div', { id: 'run-controls', class: 'run-controls' });
const stats = h('div', { id: 'run-stats', class: 'run-stats', role: 'status' });
const message = h('div', { id: 'message', class: 'message', role: 'alert' });
const charts = h('section', { id: 'charts', class: 'charts' });
const gradcams = h('section', { id: 'watch', class: 'watch' });
const results = h('section', { id: 'results', class: 'results' });
app.replaceChildren(header, message, setup, controls, stats, charts, gradcams, results);

const loss = lossChart(strings);
const accuracy = accuracyChart(strings);
charts.append(loss.element, accuracy.element);

let selection: TrainSelection = { model: 'builtin:small-cnn', data: null, out: null, watchImages: [] };
let form: SettingsForm | undefined;
let job: Pick<JobSnapshot, 'id' | 'status' | 'config'> | null = null;
let view: RunView = emptyRunView();
let nextRequestId = 1;
const pending = new Map<number, (reply: Extract<HostMessage, { type: 'reply' }>) => void>();
const answers = new Map<number, (answer: HostMessage) => void>();

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
  message.replaceChildren(text ? h('span', { class: kind }, text) : '');
}

/** Sends a request and waits for the host's reply (and the data answer that came before it, if any). */
function request(body: DistributiveOmit<Exclude<PageMessage, { type: 'ready' | 'settings' }>, 'requestId'>): Promise<HostMessage | undefined> {
  const requestId = nextRequestId++;
  let answer: HostMessage | undefined;
  answers.set(requestId, (value) => { answer = value; });
  return new Promise((resolve) => {
    pending.set(requestId, (reply) => {
      answers.delete(requestId);
      if (reply.ok) showMessage('');
      else showMessage(reply.error ?? strings.failed);
      resolve(reply.ok ? answer ?? reply : undefined);
    });
    vscode.postMessage({ ...body, requestId } as PageMessage);
  });
}
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function button(label: string, id: string, onClick: () => void, icon?: string, secondary = true): HTMLElement {
  const attributes: Record<string, string | boolean> = { id };
  if (icon) attributes.icon = icon;
  if (secondary) attributes.secondary = true;
  const element = h('vscode-button', attributes, label);
  element.addEventListener('click', onClick);
  return element;
}

function saveState(): void {
  if (form) vscode.setState({ selection, settings: form.read() });
}

function renderHeader(): void {
  const status = job?.status ?? view.status;
  header.replaceChildren(
    h('h1', {}, strings.title),
    h('vscode-badge', { id: 'run-status', variant: 'counter' }, status === 'idle' ? strings.notStarted : status),
    ...(view.provider ? [h('span', { class: 'muted', id: 'provider' }, `${view.provider.toUpperCase()}${view.device && view.device !== view.provider ? ` · ${view.device}` : ''}`)] : []),
    ...(view.providerFallback ? [h('span', { class: 'warning', id: 'provider-fallback' }, view.providerFallback)] : []),
  );
}

/** A long path is cut at its start (the file name matters most): right-to-left box, left-to-right text. */
function pathRow(label: string, value: string, id: string, ...actions: HTMLElement[]): HTMLElement {
  const shown = value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) ? h('code', { id, class: 'path file', title: value }, h('bdi', {}, value)) : h('code', { id, class: 'path', title: value }, value);
  return h('div', { class: 'path-row' }, h('span', { class: 'path-label' }, label), shown, h('span', { class: 'path-actions' }, ...actions));
}

function renderSetup(settings: TrainSettings): void {
  const running = job !== null && !isFinalStatus(job.status);
  const model = selection.model.startsWith('builtin:') ? strings.builtinModel : selection.model;
  form = settingsForm(settings, strings, () => {
    saveState();
    if (form) vscode.postMessage({ type: 'settings', settings: form.read() });
  });
  form.setDisabled(running);
  const pick = (what: Extract<PageMessage, { type: 'pick' }>['what']) => () => void request({ type: 'pick', what });
  const watch = selection.watchImages.length > 0 ? selection.watchImages.map(baseName).join(', ') : strings.none;
  setup.replaceChildren(
    pathRow(strings.model, model, 'model-path', button(strings.builtinButton, 'use-builtin', pick('builtin')), button(strings.choose, 'pick-model', pick('model'), 'folder-opened')),
    pathRow(strings.data, selection.data ?? strings.noData, 'data-path',
      button(strings.chooseFolder, 'pick-data', pick('data'), 'folder-opened'), button(strings.sampleDigits, 'sample-data', pick('sampleDataset'), 'symbol-numeric')),
    pathRow(strings.output, selection.out ?? '—', 'out-path', button(strings.change, 'pick-out', pick('out'), 'save-as')),
    pathRow(strings.watch, watch, 'watch-path', button(strings.chooseImages, 'pick-watch', pick('watchImages'), 'eye')),
    form.element,
  );
  const slot = augmentPreviewSlot(form);
  slot.replaceChildren(button(strings.previewAugmentation, 'preview-augment', () => void previewAugmentation(slot), 'preview'));
}

async function previewAugmentation(slot: HTMLElement): Promise<void> {
  if (!form) return;
  slot.replaceChildren(h('vscode-progress-ring'));
  const answer = await request({ type: 'previewAugment', settings: form.read() });
  const again = button(strings.previewAgain, 'preview-augment', () => void previewAugmentation(slot), 'refresh');
  if (answer?.type === 'augmentPreview') slot.replaceChildren(again, h('img', { id: 'augment-preview', class: 'augment-preview', src: `data:image/png;base64,${answer.png}`, alt: strings.augmentedAlt }));
  else slot.replaceChildren(again);
}

function renderControls(): void {
  const status = job?.status;
  const running = status !== undefined && !isFinalStatus(status);
  const start = button(running ? strings.training : strings.startTraining, 'start', () => {
    if (form) void request({ type: 'start', settings: form.read() });
  }, 'play', false);
  if (running) start.setAttribute('disabled', '');
  const items: HTMLElement[] = [start];
  if (job && running) {
    const id = job.id;
    items.push(status === 'paused'
      ? button(strings.resume, 'resume', () => void request({ type: 'resume', jobId: id }), 'debug-continue')
      : button(strings.pause, 'pause', () => void request({ type: 'pause', jobId: id }), 'debug-pause'));
    const stop = button(strings.stop, 'stop', () => void request({ type: 'stop', jobId: id }), 'debug-stop');
    if (status === 'stopping') stop.setAttribute('disabled', '');
    items.push(stop);
  }
  controls.replaceChildren(...items);
}

function renderStats(): void {
  const last = view.lastEpoch;
  const currentEpoch = view.stepLoss.length > 0 ? Math.ceil(view.stepLoss[view.stepLoss.length - 1].x) : last?.epoch ?? 0;
  const parts = [
    view.epochs ? format(strings.epochOf, Math.min(currentEpoch, view.epochs), view.epochs) : null,
    view.trainImages
      ? (view.classes.length ? format(strings.imagesSplitClasses, view.trainImages, view.valImages, view.classes.length) : format(strings.imagesSplit, view.trainImages, view.valImages))
        + (view.labelling ? ` (${view.labelling})` : '')
      : null,
    view.imagesPerSec !== null ? format(strings.imagesPerSec, view.imagesPerSec.toFixed(0)) : null,
    view.etaSeconds !== null ? format(strings.eta, formatDuration(view.etaSeconds)) : null,
    view.learningRate !== null ? format(strings.lr, view.learningRate.toPrecision(3)) : null,
    last
      ? last.valMicroF1 !== undefined
        ? format(strings.valMultiLabel, formatPercent(last.valMicroF1), formatPercent(last.valMeanAP ?? Number.NaN), formatPercent(last.valAccuracy))
        : format(strings.valAccuracy, formatPercent(last.valAccuracy))
      : null,
    view.checkpoint ? format(strings.checkpoint, baseName(view.checkpoint), last?.epoch ?? '—') : null,
  ].filter((part): part is string => part !== null);
  stats.replaceChildren(...parts.map((part) => h('span', {}, part)));
  if (view.skipped.length > 0) {
    stats.append(h('details', { class: 'skipped' }, h('summary', {}, view.skipped.length === 1 ? strings.skippedOne : format(strings.skipped, view.skipped.length)),
      h('ul', {}, ...view.skipped.slice(0, 50).map((entry) => h('li', {}, `${baseName(entry.file)}: ${entry.reason}`)))));
  }
  if (view.error) showMessage(view.error);
}

function renderGradcams(): void {
  if (view.gradcams.size === 0) {
    gradcams.replaceChildren();
    return;
  }
  gradcams.replaceChildren(h('h2', {}, strings.gradcamHeading),
    ...[...view.gradcams.entries()].map(([image, epochs]) => h('div', { class: 'watch-row' }, h('span', { class: 'watch-name', title: image }, baseName(image)),
      ...epochs.map((entry) => h('figure', {}, h('img', { src: `data:image/png;base64,${entry.png}`, alt: format(strings.afterEpoch, baseName(image), entry.epoch) }), h('figcaption', {}, format(strings.epochN, entry.epoch)))))));
}

function confusionMatrix(summary: TrainSummary, gallery: HTMLElement): HTMLElement {
  const shares = rowShares(summary.confusion);
  const table = h('table', { class: 'confusion', id: 'confusion' },
    h('thead', {}, h('tr', {}, h('th', { class: 'corner' }, strings.confusionCorner), ...summary.classes.map((name) => h('th', { title: name }, name)))),
    h('tbody', {}, ...summary.confusion.map((row, actual) => h('tr', {}, h('th', { title: summary.classes[actual] }, summary.classes[actual]),
      ...row.map((count, predicted) => {
        const cell = h('td', { class: actual === predicted ? 'diagonal' : '', 'data-actual': String(actual), 'data-predicted': String(predicted), title: format(strings.cellTitle, count, summary.classes[actual], summary.classes[predicted]) }, String(count));
        cell.style.setProperty('--share', shares[actual][predicted].toFixed(3));
        if (count > 0) cell.addEventListener('click', () => void showCell(actual, predicted, summary, gallery));
        return cell;
      })))));
  return table;
}

async function showCell(actual: number, predicted: number, summary: TrainSummary, gallery: HTMLElement): Promise<void> {
  gallery.replaceChildren(h('vscode-progress-ring'));
  const answer = await request({ type: 'cellImages', actual, predicted });
  if (answer?.type !== 'cellImages') {
    gallery.replaceChildren();
    return;
  }
  gallery.replaceChildren(h('h3', {}, format(strings.cellHeading, summary.classes[actual], summary.classes[predicted], summary.confusion[actual][predicted])),
    h('div', { class: 'gallery' }, ...answer.images.map((image) => h('figure', {}, h('img', { src: image.png, alt: image.name }), h('figcaption', {}, image.name)))));
}

async function showTopLossCam(index: number, slot: HTMLElement): Promise<void> {
  slot.replaceChildren(h('vscode-progress-ring'));
  const answer = await request({ type: 'explainTopLoss', index });
  if (answer?.type !== 'explanation') {
    slot.replaceChildren();
    return;
  }
  const picture = await loadImage(`data:image/png;base64,${answer.picture}`);
  const canvas = h('canvas', { class: 'cam', width: String(picture.width), height: String(picture.height) });
  const context = canvas.getContext('2d')!;
  context.drawImage(picture, 0, 0);
  const pixels = context.getImageData(0, 0, picture.width, picture.height);
  const output = context.createImageData(picture.width, picture.height);
  blendInto(output.data, pixels.data, normalizedHeat(answer.cam, picture.width, picture.height, 'gradcam'), 0.5, 'jet');
  context.putImageData(output, 0, 0);
  slot.replaceChildren(canvas, h('span', { class: 'muted' }, format(strings.gradcamFor, answer.label ?? strings.predictedClass)));
}

/** Precision, recall and F1 of each class (and, multi-label, its average precision) on the validation images. */
function perClassTable(rows: (ClassReport & { averagePrecision?: number })[]): HTMLElement {
  const withAp = rows.some((entry) => entry.averagePrecision !== undefined);
  const ap = (entry: (typeof rows)[number]) => (withAp ? [h('td', {}, formatPercent(entry.averagePrecision))] : []);
  return h('table', { class: 'per-class', id: 'per-class' },
    h('thead', {}, h('tr', {}, h('th', {}, strings.class), h('th', {}, strings.precision), h('th', {}, strings.recall), h('th', {}, strings.f1), ...(withAp ? [h('th', {}, strings.averagePrecision)] : []), h('th', {}, strings.images))),
    h('tbody', {}, ...rows.map((entry) => h('tr', {}, h('td', {}, entry.name), h('td', {}, formatPercent(entry.precision)), h('td', {}, formatPercent(entry.recall)), h('td', {}, formatPercent(entry.f1)), ...ap(entry), h('td', {}, String(entry.support))))));
}

/** Multi-label runs: no confusion matrix (an image has several classes); the averages, then each class at the threshold. */
function multiLabelResults(report: MultiLabelReport): HTMLElement {
  const figures: [string, number][] = [[strings.microF1, report.microF1], [strings.macroF1, report.macroF1], [strings.meanAveragePrecision, report.meanAveragePrecision], [strings.exactMatch, report.subsetAccuracy]];
  return h('div', { class: 'result-grid', id: 'multi-label-results' },
    h('div', {}, h('h3', {}, format(strings.multiLabelHeading, report.threshold)),
      h('table', { class: 'per-class', id: 'multi-label-averages' }, h('tbody', {}, ...figures.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, formatPercent(value))))))),
    h('div', {}, h('h3', {}, strings.perClass), perClassTable(report.perClass)));
}

function renderResults(): void {
  const summary = view.summary;
  if (!summary) {
    results.replaceChildren();
    return;
  }
  const gallery = h('div', { id: 'cell-images', class: 'cell-images' });
  const open = (action: 'inspect' | 'preview' | 'quantize') => () => void request({ type: 'openResult', action });
  results.replaceChildren(
    h('h2', {}, format(strings.result, baseName(summary.output))),
    h('p', { class: 'muted' }, format(summary.multiLabel ? strings.resultLineMultiLabel : strings.resultLine, summary.output, formatPercent(summary.valAccuracy), summary.valLoss.toFixed(4)) + (summary.stoppedEarly ? ` · ${strings.stoppedEarly}` : '')),
    h('div', { class: 'result-actions' },
      button(strings.openInspector, 'open-inspector', open('inspect'), 'type-hierarchy'),
      button(strings.preview, 'open-preview', open('preview'), 'eye'),
      button(strings.quantize, 'open-quantize', open('quantize'), 'zap')),
    summary.multiLabel ? multiLabelResults(summary.multiLabel) : h('div', { class: 'result-grid' },
      h('div', {}, h('h3', {}, strings.confusionHeading), h('div', { class: 'scroll' }, confusionMatrix(summary, gallery))),
      h('div', {}, h('h3', {}, strings.perClass), perClassTable(summary.perClass))),
    gallery,
    h('h3', {}, strings.topLosses),
    h('ol', { class: 'top-losses', id: 'top-losses' }, ...summary.topLosses.map((entry, index) => {
      const slot = h('div', { class: 'cam-slot' });
      return h('li', {}, h('span', { title: entry.file }, format(strings.topLossEntry, baseName(entry.file), entry.label, entry.predicted, entry.loss.toFixed(2))),
        button(strings.gradcam, `cam-${index}`, () => void showTopLossCam(index, slot), 'eye'), slot);
    })),
  );
}

function renderRun(): void {
  renderHeader();
  renderControls();
  renderStats();
  loss.update(view);
  accuracy.update(view);
  renderGradcams();
  renderResults();
}

function onEvent(event: TrainEvent): void {
  applyEvent(view, event);
  // Steps arrive several times a second: redraw the curves and the numbers only; the rest changes per epoch.
  if (event.type === 'step') {
    renderStats();
    loss.update(view);
    accuracy.update(view);
    return;
  }
  renderRun();
}

function onState(state: Extract<HostMessage, { type: 'state' }>): void {
  selection = state.selection;
  job = state.job ? { id: state.job.id, status: state.job.status, config: state.job.config } : null;
  if (state.job) view = replay(state.job.events, state.job.status, state.job.config.epochs ?? null);
  else if (state.interrupted) view = historyView(state.interrupted.history);
  else view = emptyRunView();
  if (!state.job) view.epochs = state.settings.epochs ?? null;
  renderSetup(state.job?.config ?? state.settings);
  if (state.interrupted && !state.job) {
    showMessage('');
    message.replaceChildren(h('span', { class: 'info' }, format(strings.interrupted, state.interrupted.epoch)),
      button(strings.continue, 'continue', () => void request({ type: 'continue' }), 'debug-continue'));
  }
  saveState();
  renderRun();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const received = parseHostMessage(event.data);
  if (!received) return;
  switch (received.type) {
    case 'state':
      onState(received);
      return;
    case 'event':
      if (job && received.jobId === job.id) onEvent(received.event);
      return;
    case 'status':
      if (job && received.jobId === job.id && job.status !== received.status) {
        job.status = received.status;
        if (isFinalStatus(received.status)) form?.setDisabled(false);
        renderHeader();
        renderControls();
      }
      return;
    case 'reply':
      pending.get(received.requestId)?.(received);
      pending.delete(received.requestId);
      return;
    default:
      answers.get(received.requestId)?.(received);
  }
});

vscode.postMessage({ type: 'ready' });
