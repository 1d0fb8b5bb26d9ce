import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ColormapName } from '../../../runtime/explain/colormap';
import type { Preprocessing } from '../../../runtime/images/types';
import type { ExplainResponse, PredictResponse, PreviewOutput, PreviewPrediction } from '../../../runtime/preview/jobs';
import { h } from '../../inspector/page/dom';
import { RequestCounter, type RequestId, type Unnumbered } from '../../shared/messages';
import { describePreprocessing, field, preprocessingFields, select } from '../../shared/page/preprocessing-form';
import { readPageStrings } from '../../shared/page/strings';
import { formatString as format } from '../../shared/strings';
import { parseHostMessage, PREVIEW_STRINGS, type MethodInfo, type PageMessage, type PreviewPageState } from '../protocol';
import { blendInto, loadImage, normalizedHeat } from './heatmap';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  setState(state: PreviewPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const strings = readPageStrings(PREVIEW_STRINGS);
const app = document.getElementById('app')!;
const header = h('header', { id: 'preview-header', class: 'preview-header' });
const status = h('div', { id: 'status', class: 'status', role: 'status' });
const preprocessingForm = h('details', { id: 'preprocessing', class: 'preprocessing' });
const grid = h('section', { id: 'grid', class: 'grid' });
const explanations = h('section', { id: 'explanations', class: 'explanations' });
app.replaceChildren(header, status, preprocessingForm, grid, h('h2', {}, strings.explanations), explanations);

let methods: MethodInfo[] = [];
const requests = new RequestCounter();
/** The newest request whose answer replaces the cards (predict, model, images, preprocessing, labels). */
let newestGridRequest: RequestId = 0;
/** Explain requests still running, with the button that started each (disabled until its answer comes). */
const runningExplains = new Map<RequestId, HTMLElement>();

function request(message: Unnumbered<PageMessage>): RequestId {
  const requestId = requests.next();
  if (message.type !== 'explain' && message.type !== 'exportPng') newestGridRequest = requestId;
  vscode.postMessage({ ...message, requestId } as PageMessage);
  return requestId;
}

/** Whether a reply about the cards answers the newest request (or work the host started itself). */
function isCurrentGridReply(requestId: RequestId): boolean {
  return requestId === 0 || requestId === newestGridRequest;
}

function methodLabel(name: string): string {
  return methods.find((method) => method.name === name)?.label ?? name;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function button(label: string, id: string, onClick: () => void, icon?: string): HTMLElement {
  const element = h('vscode-button', icon ? { id, icon, secondary: true } : { id, secondary: true }, label);
  element.addEventListener('click', onClick);
  return element;
}

function renderHeader(model: string | null, imageCount: number): void {
  header.replaceChildren(
    h('h1', {}, model ? baseName(model) : strings.noModel),
    h('span', { class: 'muted', title: model ?? '' }, imageCount === 1 ? strings.oneImage : format(strings.images, imageCount)),
    h('span', { class: 'header-buttons' },
      button(strings.pickModel, 'pick-model', () => request({ type: 'pickModel' }), 'symbol-misc'),
      button(strings.addImages, 'add-images', () => request({ type: 'addImages' }), 'add'),
      button(strings.pickLabels, 'pick-labels', () => request({ type: 'pickLabels' }), 'list-ordered'),
      button(strings.runAgain, 'predict', () => request({ type: 'predict' }), 'refresh')),
  );
}

function renderPreprocessing(pre: Preprocessing): void {
  const fields = preprocessingFields(pre, strings);
  const remember = h('input', { id: 'pre-remember', type: 'checkbox', checked: true });
  const apply = button(strings.apply, 'pre-apply', () => {
    request({ type: 'setPreprocessing', remember: remember.checked, preprocessing: fields.read() });
  });
  const open = preprocessingForm.hasAttribute('open');
  preprocessingForm.replaceChildren(
    h('summary', {}, format(strings.preprocessing, describePreprocessing(pre, strings))),
    h('p', { class: 'muted', id: 'pre-source' }, format(strings.chosenBy, pre.source ?? strings.settingsSource)),
    fields.element,
    h('label', { class: 'field inline' }, remember, h('span', {}, strings.remember)),
    apply,
  );
  if (open) preprocessingForm.setAttribute('open', '');
}

function renderOutput(output: PreviewOutput): HTMLElement {
  if (output.kind === 'classification') {
    return h('ol', { class: 'top', 'data-output': output.name }, ...output.top.map((entry) => {
      const bar = h('div', { class: 'bar-fill' });
      bar.style.width = `${(100 * entry.probability).toFixed(1)}%`;
      return h('li', { 'data-class': String(entry.index) },
        h('span', { class: 'label', title: entry.label ?? '' }, entry.label ?? format(strings.classIndex, entry.index)),
        h('span', { class: 'prob' }, `${(100 * entry.probability).toFixed(1)}%`),
        h('div', { class: 'bar' }, bar));
    }), output.multiLabel ? h('li', { class: 'muted note' }, strings.multiLabelNote)
      : output.softmaxApplied ? null : h('li', { class: 'muted note' }, strings.noSoftmax));
  }
  if (output.kind === 'image' || output.kind === 'segmentation') {
    const legend = output.kind === 'segmentation'
      ? h('ul', { class: 'legend' }, ...output.legend.slice(0, 12).map((entry) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = `rgb(${entry.color.join(',')})`;
        return h('li', {}, swatch, `${entry.label ?? format(strings.classIndex, entry.index)} ${(100 * entry.fraction).toFixed(1)}%`);
      }))
      : null;
    return h('figure', { class: 'dense', 'data-output': output.name },
      output.png ? h('img', { src: `data:image/png;base64,${output.png}`, alt: output.name }) : null,
      h('figcaption', {}, `${output.name} [${output.dims.join('×')}] ${output.kind}`), legend);
  }
  const summary = output.summary;
  return h('div', { class: 'tensor mono', 'data-output': output.name },
    format(strings.tensorSummary, output.name, summary.shape.join('×'), summary.min.toPrecision(4), summary.max.toPrecision(4), summary.mean.toPrecision(4),
      summary.topValues.map((entry) => `#${entry.index}=${entry.value.toPrecision(3)}`).join(', ')));
}

function renderCard(result: PreviewPrediction): HTMLElement {
  const methodSelect = select(`method-${result.name}`, methods.map((method) => [method.name, method.label]), 'gradcam');
  methodSelect.classList.add('method');
  methodSelect.title = strings.methodTitle;
  const classInput = h('input', { class: 'class-input', placeholder: strings.classPlaceholder, title: strings.classTitle });
  const layerInput = h('input', { class: 'layer-input', placeholder: strings.layerPlaceholder, title: strings.layerTitle });
  // Detection outputs show as plain tensors: their cards also take the box whose score is explained.
  const boxInput = result.outputs.some((output) => output.kind === 'tensor')
    ? h('input', { class: 'box-input', placeholder: strings.boxPlaceholder, title: strings.boxTitle })
    : null;
  const explain = button(strings.explain, `explain-${result.name}`, () => {
    // One run per card at a time: the button stays disabled until this request's answer (or error) arrives.
    explain.setAttribute('disabled', '');
    const requestId = request({
      type: 'explain', image: result.image, method: methodSelect.value, targetClass: classInput.value.trim() || undefined, layer: layerInput.value.trim() || undefined,
      box: boxInput?.value.trim() || undefined,
    });
    runningExplains.set(requestId, explain);
  }, 'eye');
  explain.classList.add('explain');
  explain.removeAttribute('secondary');
  const removeButton = button('', `remove-${result.name}`, () => request({ type: 'removeImage', image: result.image }), 'close');
  removeButton.title = strings.removeImage;
  const card = h('article', { class: 'card', 'data-image': result.image },
    h('header', {}, h('strong', { title: result.image }, result.name), h('span', { class: 'muted' }, result.error ? '' : `${result.latencyMs.toFixed(1)} ms`),
      removeButton),
    methods.length > 0
      ? h('div', { class: 'explain-row' }, methodSelect, explain, classInput, boxInput, layerInput)
      : h('p', { class: 'muted explain-row' }, strings.noMethods),
    result.error ? h('p', { class: 'error' }, result.error) : null,
    h('div', { class: 'card-body' },
      result.picture ? h('img', { class: 'picture', src: `data:image/png;base64,${result.picture}`, alt: result.name }) : null,
      h('div', { class: 'outputs' }, ...result.outputs.map(renderOutput))));
  // A click on a predicted class fills the class picker.
  card.querySelectorAll<HTMLElement>('li[data-class]').forEach((item) => item.addEventListener('click', () => { classInput.value = item.dataset.class!; }));
  return card;
}

function showPredictions(response: PredictResponse): void {
  const parts = [
    response.provider.startsWith('tfjs ') ? format(strings.tfjsBackend, response.provider) : format(strings.executionProvider, response.provider.toUpperCase()),
    format(strings.inputStatus, response.input.name, response.input.dtype, response.input.dims.join('×')),
    response.labelsFile ? format(strings.labelsStatus, baseName(response.labelsFile)) : '',
    response.providerFallback ?? '',
  ];
  status.replaceChildren(h('span', { class: 'muted' }, parts.filter(Boolean).join(' · ')));
  renderPreprocessing(response.preprocessing);
  grid.replaceChildren(...response.results.map(renderCard));
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

async function showExplanation(response: ExplainResponse): Promise<void> {
  status.replaceChildren(h('span', { class: 'muted' }, format(strings.doneIn, methodLabel(response.method), formatMs(response.timeMs))));
  const picture = await loadImage(`data:image/png;base64,${response.picture}`);
  const canvas = h('canvas', { class: 'overlay', width: String(picture.width), height: String(picture.height) });
  const context = canvas.getContext('2d')!;
  context.drawImage(picture, 0, 0);
  const pixels = context.getImageData(0, 0, picture.width, picture.height);
  const heat = normalizedHeat(response.cam, picture.width, picture.height, response.method);
  const opacity = h('input', { class: 'opacity', type: 'range', min: '0', max: '1', step: '0.05', value: '0.5' });
  const colormapSelect = select('', [['jet', 'jet'], ['inferno', 'inferno'], ['gray', 'gray']], 'jet');
  const draw = () => {
    const output = context.createImageData(picture.width, picture.height);
    blendInto(output.data, pixels.data, heat, Number(opacity.value), colormapSelect.value as ColormapName);
    context.putImageData(output, 0, 0);
  };
  opacity.addEventListener('input', draw);
  colormapSelect.addEventListener('change', draw);
  draw();
  const title = `${methodLabel(response.method)} · ${response.detection ? `${format(strings.boxNumber, response.detection.box)} · ` : ''}${response.label ?? format(strings.classIndex, response.targetClass)}`;
  const exportName = `${baseName(response.image).replace(/\.[^.]+$/, '')}-${response.method}-${response.targetClass}`;
  const figure = h('figure', { class: 'explanation', 'data-method': response.method },
    canvas,
    h('figcaption', {},
      h('strong', {}, title),
      h('div', { class: 'muted run-time' }, `${formatMs(response.timeMs)}`),
      h('div', { class: 'muted objective' }, format(strings.explainsObjective, response.objective)),
      h('div', { class: 'muted' }, format(strings.explanationDetails, baseName(response.image), response.score.toPrecision(4), (100 * response.probability).toFixed(1),
        response.layer ? format(strings.layerDetail, response.layer.tensor, response.layer.dims.join('×')) : strings.inputGradients, response.cam.size.join('×'))),
      h('div', { class: 'controls' }, field(strings.opacity, opacity), field(strings.colormap, colormapSelect),
        button(strings.exportPng, `export-${exportName}`, () => request({ type: 'exportPng', name: exportName, dataUrl: canvas.toDataURL('image/png') }), 'save'),
        button(strings.remove, `close-${exportName}`, () => figure.remove(), 'close'))));
  // Newest first; earlier ones stay for side-by-side comparison.
  explanations.prepend(figure);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  const explainButton = runningExplains.get(message.requestId);
  if (explainButton && (message.type === 'explanation' || message.type === 'error')) {
    runningExplains.delete(message.requestId);
    explainButton.removeAttribute('disabled');
  }
  // Cards and status follow the newest request; an explain request's answers are always shown.
  if (!explainButton && !isCurrentGridReply(message.requestId)) return;
  switch (message.type) {
    case 'setup':
      vscode.setState({ model: message.model, images: message.images });
      methods = message.methods;
      renderHeader(message.model, message.images.length);
      if (!message.model || message.images.length === 0) {
        grid.replaceChildren(h('p', { class: 'muted empty' }, message.model ? strings.addImagesHint : strings.chooseModel));
      }
      return;
    case 'busy':
      status.replaceChildren(h('vscode-progress-ring'), h('span', {}, `${message.message}…`));
      return;
    case 'error':
      status.replaceChildren(h('span', { class: 'error', role: 'alert' }, message.message));
      return;
    case 'predictions':
      showPredictions(message.response);
      return;
    case 'explanation':
      void showExplanation(message.response).catch((error: Error) => status.replaceChildren(h('span', { class: 'error' }, error.message)));
      return;
  }
});

// Files dragged from the explorer (with Shift held, as VS Code requires for webviews) arrive as a URI list.
document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', (event) => {
  event.preventDefault();
  const list = event.dataTransfer?.getData('text/uri-list') || event.dataTransfer?.getData('text/plain') || '';
  const uris = list.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (uris.length > 0) request({ type: 'addImages', uris });
});

request({ type: 'ready' });
