import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ColormapName } from '../../../runtime/explain/colormap';
import type { Preprocessing } from '../../../runtime/images/types';
import type { ExplainResponse, PredictResponse, PreviewOutput, PreviewPrediction } from '../../../runtime/preview/jobs';
import { h } from '../../inspector/page/dom';
import { RequestCounter, type RequestId, type Unnumbered } from '../../shared/messages';
import { describePreprocessing, field, preprocessingFields, select } from '../../shared/page/preprocessing-form';
import { parseHostMessage, type MethodInfo, type PageMessage, type PreviewPageState } from '../protocol';
import { blendInto, loadImage, normalizedHeat } from './heatmap';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  setState(state: PreviewPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const header = h('header', { id: 'preview-header', class: 'preview-header' });
const status = h('div', { id: 'status', class: 'status', role: 'status' });
const preprocessingForm = h('details', { id: 'preprocessing', class: 'preprocessing' });
const grid = h('section', { id: 'grid', class: 'grid' });
const explanations = h('section', { id: 'explanations', class: 'explanations' });
app.replaceChildren(header, status, preprocessingForm, grid, h('h2', {}, 'Explanations'), explanations);

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
    h('h1', {}, model ? baseName(model) : 'No model chosen'),
    h('span', { class: 'muted', title: model ?? '' }, `${imageCount} image${imageCount === 1 ? '' : 's'}`),
    h('span', { class: 'header-buttons' },
      button('Model…', 'pick-model', () => request({ type: 'pickModel' }), 'symbol-misc'),
      button('Images…', 'add-images', () => request({ type: 'addImages' }), 'add'),
      button('Labels…', 'pick-labels', () => request({ type: 'pickLabels' }), 'list-ordered'),
      button('Run again', 'predict', () => request({ type: 'predict' }), 'refresh')),
  );
}

function renderPreprocessing(pre: Preprocessing): void {
  const fields = preprocessingFields(pre);
  const remember = h('input', { id: 'pre-remember', type: 'checkbox', checked: true });
  const apply = button('Apply', 'pre-apply', () => {
    request({ type: 'setPreprocessing', remember: remember.checked, preprocessing: fields.read() });
  });
  const open = preprocessingForm.hasAttribute('open');
  preprocessingForm.replaceChildren(
    h('summary', {}, `Preprocessing: ${describePreprocessing(pre)}`),
    h('p', { class: 'muted', id: 'pre-source' }, `Chosen by: ${pre.source ?? 'settings'}`),
    fields.element,
    h('label', { class: 'field inline' }, remember, h('span', {}, 'Remember for this model (<model>.cnnstudio.json)')),
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
        h('span', { class: 'label', title: entry.label ?? '' }, entry.label ?? `class ${entry.index}`),
        h('span', { class: 'prob' }, `${(100 * entry.probability).toFixed(1)}%`),
        h('div', { class: 'bar' }, bar));
    }), output.softmaxApplied ? null : h('li', { class: 'muted note' }, 'output already a distribution (no softmax)'));
  }
  if (output.kind === 'image' || output.kind === 'segmentation') {
    const legend = output.kind === 'segmentation'
      ? h('ul', { class: 'legend' }, ...output.legend.slice(0, 12).map((entry) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = `rgb(${entry.color.join(',')})`;
        return h('li', {}, swatch, `${entry.label ?? `class ${entry.index}`} ${(100 * entry.fraction).toFixed(1)}%`);
      }))
      : null;
    return h('figure', { class: 'dense', 'data-output': output.name },
      output.png ? h('img', { src: `data:image/png;base64,${output.png}`, alt: output.name }) : null,
      h('figcaption', {}, `${output.name} [${output.dims.join('×')}] ${output.kind}`), legend);
  }
  const summary = output.summary;
  return h('div', { class: 'tensor mono', 'data-output': output.name },
    `${output.name} [${summary.shape.join('×')}] min ${summary.min.toPrecision(4)} max ${summary.max.toPrecision(4)} mean ${summary.mean.toPrecision(4)}; top ${summary.topValues.map((entry) => `#${entry.index}=${entry.value.toPrecision(3)}`).join(', ')}`);
}

function renderCard(result: PreviewPrediction): HTMLElement {
  const methodSelect = select(`method-${result.name}`, methods.map((method) => [method.name, method.label]), 'gradcam');
  methodSelect.classList.add('method');
  methodSelect.title = 'Attribution method';
  const classInput = h('input', { class: 'class-input', placeholder: 'class: top', title: 'Class to explain: an index or a label (default: the top prediction)' });
  const layerInput = h('input', { class: 'layer-input', placeholder: 'layer: auto', title: 'Target layer (default: the last layer with spatial extent)' });
  // Detection outputs show as plain tensors: their cards also take the box whose score is explained.
  const boxInput = result.outputs.some((output) => output.kind === 'tensor')
    ? h('input', { class: 'box-input', placeholder: 'box: top', title: 'Detection models: the box whose score is explained, an index (default: the highest-scoring box)' })
    : null;
  const explain = button('Explain', `explain-${result.name}`, () => {
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
  const card = h('article', { class: 'card', 'data-image': result.image },
    h('header', {}, h('strong', { title: result.image }, result.name), h('span', { class: 'muted' }, result.error ? '' : `${result.latencyMs.toFixed(1)} ms`),
      button('', `remove-${result.name}`, () => request({ type: 'removeImage', image: result.image }), 'close')),
    methods.length > 0
      ? h('div', { class: 'explain-row' }, methodSelect, explain, classInput, boxInput, layerInput)
      : h('p', { class: 'muted explain-row' }, 'No attribution method runs on this model yet (TensorFlow.js graph model).'),
    result.error ? h('p', { class: 'error' }, result.error) : null,
    h('div', { class: 'card-body' },
      result.picture ? h('img', { class: 'picture', src: `data:image/png;base64,${result.picture}`, alt: result.name }) : null,
      h('div', { class: 'outputs' }, ...result.outputs.map(renderOutput))));
  // A click on a predicted class fills the class picker.
  card.querySelectorAll<HTMLElement>('li[data-class]').forEach((item) => item.addEventListener('click', () => { classInput.value = item.dataset.class!; }));
  return card;
}

function showPredictions(response: PredictResponse): void {
  status.replaceChildren(h('span', { class: 'muted' }, `${response.provider.startsWith('tfjs ') ? `${response.provider} backend` : `${response.provider.toUpperCase()} execution provider`} · input ${response.input.name} ${response.input.dtype} [${response.input.dims.join('×')}]${response.labelsFile ? ` · labels ${baseName(response.labelsFile)}` : ''}${response.providerFallback ? ` · ${response.providerFallback}` : ''}`));
  renderPreprocessing(response.preprocessing);
  grid.replaceChildren(...response.results.map(renderCard));
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

async function showExplanation(response: ExplainResponse): Promise<void> {
  status.replaceChildren(h('span', { class: 'muted' }, `${methodLabel(response.method)} done in ${formatMs(response.timeMs)}`));
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
  const title = `${methodLabel(response.method)} · ${response.detection ? `box #${response.detection.box} · ` : ''}${response.label ?? `class ${response.targetClass}`}`;
  const exportName = `${baseName(response.image).replace(/\.[^.]+$/, '')}-${response.method}-${response.targetClass}`;
  const figure = h('figure', { class: 'explanation', 'data-method': response.method },
    canvas,
    h('figcaption', {},
      h('strong', {}, title),
      h('div', { class: 'muted run-time' }, `${formatMs(response.timeMs)}`),
      h('div', { class: 'muted objective' }, `explains ${response.objective}`),
      h('div', { class: 'muted' }, `${baseName(response.image)} · score ${response.score.toPrecision(4)} · p ${(100 * response.probability).toFixed(1)}% · ${response.layer ? `layer ${response.layer.tensor} [${response.layer.dims.join('×')}]` : 'input gradients'} · map ${response.cam.size.join('×')}`),
      h('div', { class: 'controls' }, field('Opacity', opacity), field('Colormap', colormapSelect),
        button('Export PNG', `export-${exportName}`, () => request({ type: 'exportPng', name: exportName, dataUrl: canvas.toDataURL('image/png') }), 'save'),
        button('Remove', `close-${exportName}`, () => figure.remove(), 'close'))));
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
        grid.replaceChildren(h('p', { class: 'muted empty' }, message.model ? 'Add images (or drop them here with Shift) to see what the model outputs.' : 'Choose a model to preview.'));
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
