import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ColormapName } from '../../../runtime/explain/colormap';
import type { Preprocessing } from '../../../runtime/images/types';
import type { ExplainResponse, PredictResponse, PreviewOutput, PreviewPrediction } from '../../../runtime/predict/preview-jobs';
import { h } from '../../inspector/page/dom';
import { parseHostMessage, type MethodInfo, type PageMessage, type PreviewPageState } from '../protocol';
import { blendInto, normalizedHeat } from './heatmap';

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
    button('Model…', 'pick-model', () => vscode.postMessage({ type: 'pickModel' }), 'symbol-misc'),
    button('Add images…', 'add-images', () => vscode.postMessage({ type: 'addImages' }), 'add'),
    button('Run again', 'predict', () => vscode.postMessage({ type: 'predict' }), 'refresh'),
  );
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const element = h('select', { id });
  for (const [optionValue, text] of options) element.append(h('option', optionValue === value ? { value: optionValue, selected: true } : { value: optionValue }, text));
  return element;
}

const PRESETS: Record<string, Partial<Preprocessing>> = {
  imagenet: { range: '0-1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { range: '0-1', mean: [0], std: [1] },
  symmetric: { range: '-1-1', mean: [0], std: [1] },
  raw: { range: '0-255', mean: [0], std: [1] },
  'grayscale-28': { range: '0-1', mean: [0], std: [1], size: [28, 28], channels: 'gray' },
};

function renderPreprocessing(pre: Preprocessing): void {
  const numbers = (text: string) => text.split(',').map((part) => Number(part.trim()));
  const preset = select('pre-preset', [['', 'custom'], ['imagenet', 'ImageNet'], ['unit', '[0, 1]'], ['symmetric', '[-1, 1]'], ['raw', 'raw 0-255'], ['grayscale-28', 'grayscale 28×28']], pre.preset ?? '');
  const size = h('input', { id: 'pre-size', value: pre.size.join(',') });
  const range = select('pre-range', [['0-1', '0-1'], ['0-255', '0-255'], ['-1-1', '-1-1']], pre.range);
  const mean = h('input', { id: 'pre-mean', value: pre.mean.join(',') });
  const std = h('input', { id: 'pre-std', value: pre.std.join(',') });
  const channels = select('pre-channels', [['rgb', 'RGB'], ['bgr', 'BGR'], ['gray', 'grayscale']], pre.channels);
  const layout = select('pre-layout', [['nchw', 'NCHW'], ['nhwc', 'NHWC']], pre.layout);
  const resize = select('pre-resize', [['stretch', 'stretch'], ['center-crop', 'center crop'], ['letterbox', 'letterbox']], pre.resize);
  const remember = h('input', { id: 'pre-remember', type: 'checkbox', checked: true });
  preset.addEventListener('change', () => {
    const values = PRESETS[preset.value];
    if (!values) return;
    if (values.range) range.value = values.range;
    if (values.mean) mean.value = values.mean.join(',');
    if (values.std) std.value = values.std.join(',');
    if (values.size) size.value = values.size.join(',');
    if (values.channels) channels.value = values.channels;
  });
  const apply = button('Apply', 'pre-apply', () => {
    const [height, width] = numbers(size.value);
    vscode.postMessage({
      type: 'setPreprocessing',
      remember: remember.checked,
      preprocessing: {
        size: [height, width ?? height], range: range.value as Preprocessing['range'], mean: numbers(mean.value), std: numbers(std.value),
        channels: channels.value as Preprocessing['channels'], layout: layout.value as Preprocessing['layout'], resize: resize.value as Preprocessing['resize'],
      },
    });
  });
  const open = preprocessingForm.hasAttribute('open');
  preprocessingForm.replaceChildren(
    h('summary', {}, `Preprocessing: ${pre.size.join('×')} ${pre.channels.toUpperCase()} ${pre.layout.toUpperCase()}, range ${pre.range}, mean ${pre.mean.join('/')}, std ${pre.std.join('/')}, ${pre.resize}${pre.preset ? ` (${pre.preset})` : ''}`),
    h('p', { class: 'muted', id: 'pre-source' }, `Chosen by: ${pre.source ?? 'settings'}`),
    h('div', { class: 'form' }, field('Preset', preset), field('Size H,W', size), field('Range', range), field('Mean', mean), field('Std', std), field('Channels', channels), field('Layout', layout), field('Resize', resize)),
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
  const classInput = h('input', { class: 'class-input', placeholder: 'class index or name (default: top)' });
  const layerInput = h('input', { class: 'layer-input', placeholder: 'layer (default: last spatial)' });
  const explain = button('Explain', `explain-${result.name}`, () => vscode.postMessage({
    type: 'explain', image: result.image, method: methodSelect.value, targetClass: classInput.value.trim() || undefined, layer: layerInput.value.trim() || undefined,
  }), 'eye');
  explain.classList.add('explain');
  const card = h('article', { class: 'card', 'data-image': result.image },
    h('header', {}, h('strong', { title: result.image }, result.name), h('span', { class: 'muted' }, result.error ? '' : `${result.latencyMs.toFixed(1)} ms`),
      button('', `remove-${result.name}`, () => vscode.postMessage({ type: 'removeImage', image: result.image }), 'close')),
    result.picture ? h('img', { class: 'picture', src: `data:image/png;base64,${result.picture}`, alt: result.name }) : null,
    result.error ? h('p', { class: 'error' }, result.error) : null,
    ...result.outputs.map(renderOutput),
    h('div', { class: 'explain-row' }, methodSelect, classInput, layerInput, explain));
  // A click on a predicted class fills the class picker.
  card.querySelectorAll<HTMLElement>('li[data-class]').forEach((item) => item.addEventListener('click', () => { classInput.value = item.dataset.class!; }));
  return card;
}

function showPredictions(response: PredictResponse): void {
  status.replaceChildren(h('span', { class: 'muted' }, `${response.provider.startsWith('tfjs ') ? `${response.provider} backend` : `${response.provider.toUpperCase()} execution provider`} · input ${response.input.name} ${response.input.dtype} [${response.input.dims.join('×')}]${response.labelsFile ? ` · labels ${baseName(response.labelsFile)}` : ''}`));
  renderPreprocessing(response.preprocessing);
  grid.replaceChildren(...response.results.map(renderCard));
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the picture could not be decoded'));
    image.src = src;
  });
}

async function showExplanation(response: ExplainResponse): Promise<void> {
  status.replaceChildren(h('span', { class: 'muted' }, `${response.method} done in ${response.timeMs.toFixed(0)} ms`));
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
  const title = `${methods.find((method) => method.name === response.method)?.label ?? response.method} · ${response.label ?? `class ${response.targetClass}`}`;
  const exportName = `${baseName(response.image).replace(/\.[^.]+$/, '')}-${response.method}-${response.targetClass}`;
  const figure = h('figure', { class: 'explanation', 'data-method': response.method },
    canvas,
    h('figcaption', {},
      h('strong', {}, title),
      h('div', { class: 'muted' }, `${baseName(response.image)} · score ${response.score.toPrecision(4)} · p ${(100 * response.probability).toFixed(1)}% · ${response.layer ? `layer ${response.layer.tensor} [${response.layer.dims.join('×')}]` : 'input gradients'} · map ${response.cam.size.join('×')}`),
      h('div', { class: 'controls' }, field('Opacity', opacity), field('Colormap', colormapSelect),
        button('Export PNG', `export-${exportName}`, () => vscode.postMessage({ type: 'exportPng', name: exportName, dataUrl: canvas.toDataURL('image/png') }), 'save'),
        button('Remove', `close-${exportName}`, () => figure.remove(), 'close'))));
  // Newest first; earlier ones stay for side-by-side comparison.
  explanations.prepend(figure);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
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
  if (uris.length > 0) vscode.postMessage({ type: 'addImages', uris });
});

vscode.postMessage({ type: 'ready' });
