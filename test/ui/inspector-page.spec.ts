// The inspector page on its own, in headless Chromium, without VS Code: a local server plays the webview's resource
// origin (the same three folders as the panel's localResourceRoots), a stub plays acquireVsCodeApi, and the host's
// messages carry real summaries. Needs `npm run build` (dist/webviews/inspector.js).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { inspectModel } from '../../src/runtime/inspect';
import type { ModelSummary } from '../../src/runtime/inspect/types';
import { formatAttribute } from '../../src/webviews/inspector/page/format';
import type { HostMessage, PageMessage } from '../../src/webviews/inspector/protocol';
import { inspectorStrings } from '../../src/webviews/inspector/strings';
import { createNonce, renderPageHtml } from '../../src/webviews/shared/csp';
import { ENGLISH, formatString, type Localizer } from '../../src/webviews/shared/strings';
import { sharedModel } from '../unit/helpers/shared';
import { residualNetwork } from '../unit/webviews/residual-network';
import { launchChromium } from '../vscode/browser';
import { repoRoot } from '../vscode/paths';

const RESOURCE_ROOTS = ['dist/webviews', 'media', 'node_modules/@vscode/codicons/dist'];
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml' };

function serveResources(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const relative = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).slice(1);
    const file = path.join(repoRoot, relative);
    const allowed = RESOURCE_ROOTS.some((root) => file.startsWith(path.join(repoRoot, root) + path.sep));
    if (!allowed || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface PageHarness {
  page: Page;
  posted(): Promise<unknown[]>;
  state(): Promise<Record<string, unknown> | undefined>;
  send(message: HostMessage | Record<string, unknown>): Promise<void>;
  cspViolations: string[];
  pageErrors: string[];
}

async function openPage(browser: Browser, origin: string, l10n: Localizer = ENGLISH): Promise<PageHarness> {
  const nonce = createNonce();
  const stub = `<script nonce="${nonce}">
    window.posted = []; window.savedState = undefined;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.posted.push(message),
      getState: () => window.savedState,
      setState: (state) => { window.savedState = state; },
    });
  </script>`;
  const html = renderPageHtml({
    title: 'inspector',
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webviews/inspector.js`,
    styleUris: [`${origin}/media/webview.css`, `${origin}/media/inspector.css`],
    codiconsUri: `${origin}/node_modules/@vscode/codicons/dist/codicon.css`,
    strings: inspectorStrings(l10n),
  }).replace('<script nonce', `${stub}\n  <script nonce`);
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const harness: PageHarness = {
    page,
    cspViolations: [],
    pageErrors: [],
    posted: () => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted),
    state: () => page.evaluate(() => (window as unknown as { savedState?: Record<string, unknown> }).savedState),
    send: (message) => page.evaluate((data) => window.postMessage(data, '*'), message as unknown as Record<string, unknown>),
  };
  await page.exposeFunction('reportCspViolation', (text: string) => harness.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('pageerror', (error) => harness.pageErrors.push(error.message));
  await page.route(`${origin}/index.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${origin}/index.html`);
  return harness;
}

describe('Model Inspector page in headless Chromium (stubbed VS Code API)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: http.Server;
  let origin: string;
  let squeezenet: ModelSummary;
  let harness: PageHarness;

  before(async () => {
    assert.ok(fs.existsSync(path.join(repoRoot, 'dist/webviews/inspector.js')), 'run `npm run build` first');
    squeezenet = await inspectModel(sharedModel('SqueezeNet_fp16.onnx'));
    server = await serveResources();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  beforeEach(async () => {
    harness = await openPage(browser, origin);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      fs.mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
      await harness.page.screenshot({ path: path.join(repoRoot, 'test-results', `inspector-page-${this.currentTest.title.replace(/\W+/g, '-')}.png`) });
    }
    await harness.page.close();
  });

  it('asks for its model first and shows SqueezeNet\'s header, inputs/outputs and op histogram', async () => {
    const { page } = harness;
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    assert.deepEqual(await harness.posted(), [{ type: 'ready', requestId: 1 }]);
    await harness.send({ requestId: 0, type: 'summary', summary: squeezenet });
    await page.waitForSelector('#summary');

    assert.equal(await page.getAttribute('#summary-params', 'title'), squeezenet.params.toLocaleString('en-US'));
    assert.equal(await page.textContent('#summary-opset'), `opset ${squeezenet.opset}`);
    assert.equal(await page.textContent('#summary-ir'), `IR ${squeezenet.irVersion}`);
    const ioText = await page.innerText('#io-table');
    for (const tensor of [...squeezenet.inputs, ...squeezenet.outputs]) {
      assert.ok(ioText.includes(tensor.name) && ioText.includes(tensor.dtype), ioText);
      assert.ok(ioText.includes(`[${tensor.shape!.join(', ')}]`), ioText);
    }
    const bars = await page.$$eval('#op-histogram .histogram-row', (rows) =>
      rows.map((row) => [row.getAttribute('data-op'), Number(row.querySelector('.count')!.textContent)]),
    );
    assert.deepEqual(Object.fromEntries(bars), squeezenet.ops);
    assert.deepEqual(harness.cspViolations, []);
    assert.deepEqual(harness.pageErrors, []);
  });

  it('shows the text of the strings table the host renders into it (a translation)', async () => {
    await harness.page.close();
    harness = await openPage(browser, origin, { t: (message, ...args) => formatString(`«${message}»`, ...args) });
    const { page } = harness;
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    await harness.send({ requestId: 0, type: 'summary', summary: squeezenet });
    await page.waitForSelector('#summary');
    assert.equal((await page.textContent('vscode-tab-header[data-tab="overview"]'))?.trim(), '«Overview»');
    assert.equal(await page.textContent('#summary-opset'), `«opset ${squeezenet.opset}»`);
    await page.click('vscode-tab-header[data-tab="layers"]');
    assert.match(await page.innerText('#layer-totals'), /^«\d+ of \d+ layers · .* params · «.* MACs»»$/);
    assert.deepEqual(harness.pageErrors, []);
  });

  it('lists symbolic input dims with number fields and asks the host to inspect again with the values given', async () => {
    const { page } = harness;
    const file = sharedModel('ImageClassifier.onnx');
    await harness.send({ requestId: 0, type: 'summary', summary: await inspectModel(file), dims: {} });
    const field = page.locator('#dim-bindings input[data-dim="batch_size"]');
    assert.equal(await field.inputValue(), '');
    assert.equal(await page.locator('#dim-bindings input').count(), 1);

    await field.fill('0');
    await page.click('#dim-apply');
    assert.equal(await field.getAttribute('class'), 'invalid');
    assert.deepEqual((await harness.posted()).filter((message) => (message as PageMessage).type === 'bindDims'), []);

    await field.fill('2');
    await page.click('#dim-apply');
    assert.deepEqual((await harness.posted()).at(-1), { type: 'bindDims', requestId: 2, dims: { batch_size: 2 } });

    const bound = await inspectModel(file, { dims: { batch_size: 2 } });
    // A late answer to the first request (ready, id 1) must not replace the answer to the newest one.
    await harness.send({ requestId: 2, type: 'summary', summary: bound, dims: { batch_size: 2 } });
    await harness.send({ requestId: 1, type: 'summary', summary: await inspectModel(file), dims: {} });
    await page.waitForSelector('#dim-bindings input[data-dim="batch_size"]:not(.invalid)');
    assert.equal(await page.locator('#dim-bindings input[data-dim="batch_size"]').inputValue(), '2');
    assert.ok((await page.innerText('#io-table')).includes(`[${bound.inputs[0].shape!.join(', ')}]`));
    assert.equal(bound.inputs[0].shape![0], 2);
    assert.deepEqual(harness.pageErrors, []);
  });

  it('shows no dim fields for a model whose input shapes are all numbers', async () => {
    await harness.send({ requestId: 0, type: 'summary', summary: squeezenet, dims: {} });
    await harness.page.waitForSelector('#summary');
    assert.equal(await harness.page.locator('#dim-bindings').count(), 0);
  });

  it('sorts the layer table by clicking a header, filters it, and totals what it shows', async () => {
    const { page } = harness;
    await harness.send({ requestId: 0, type: 'summary', summary: squeezenet });
    await page.click('vscode-tab-header[data-tab="layers"]');
    const rowIndices = () => page.$$eval('#layer-table vscode-table-row', (rows) => rows.map((row) => Number(row.getAttribute('data-layer-index'))));
    assert.equal((await rowIndices()).length, squeezenet.layers.length);
    assert.equal(Number(await page.getAttribute('#layer-totals', 'data-params')), squeezenet.layers.reduce((sum, layer) => sum + layer.params, 0));

    await page.click('vscode-table-header-cell[data-column="params"]');
    const descending = (await rowIndices()).map((index) => squeezenet.layers[index].params);
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    assert.equal(descending[0], Math.max(...squeezenet.layers.map((layer) => layer.params)));
    await page.click('vscode-table-header-cell[data-column="params"]');
    const ascending = (await rowIndices()).map((index) => squeezenet.layers[index].params);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));

    await page.locator('#layer-filter input').fill('concat');
    const concat = await rowIndices();
    assert.equal(concat.length, squeezenet.ops.Concat);
    assert.ok(concat.every((index) => squeezenet.layers[index].type === 'Concat'));
    assert.equal(Number(await page.getAttribute('#layer-totals', 'data-rows')), squeezenet.ops.Concat);
    assert.deepEqual((await harness.state())?.filter, 'concat');
    assert.deepEqual(harness.cspViolations, []);
  });

  it('draws the graph, shows a clicked node\'s attributes and shapes, zooms with the wheel and pans by dragging', async () => {
    const { page } = harness;
    await harness.send({ requestId: 0, type: 'summary', summary: squeezenet });
    await page.click('vscode-tab-header[data-tab="graph"]');
    await page.waitForSelector('#graph-svg .node');
    const nodes = await page.$$eval('#graph-svg .node', (elements) => elements.length);
    assert.equal(nodes, squeezenet.layers.length + squeezenet.inputs.length + squeezenet.outputs.length);

    const convIndex = squeezenet.layers.findIndex((layer) => layer.type === 'Conv');
    await page.click(`[data-node-id="layer:${convIndex}"]`);
    assert.equal(await page.textContent('#graph-details-type'), 'Conv');
    assert.equal(await page.textContent('#graph-details-name'), squeezenet.layers[convIndex].name);
    const attributes = await page.$$eval('#graph-details-attributes tr', (rows) => rows.map((row) => [row.getAttribute('data-attribute'), row.querySelector('td')!.textContent]));
    assert.deepEqual(attributes, Object.entries(squeezenet.layers[convIndex].attributes).map(([name, value]) => [name, formatAttribute(name, value)]));
    assert.ok(attributes.some(([name, text]) => name === 'strides' && /^\d+×\d+$/.test(text!)), JSON.stringify(attributes));
    const details = await page.innerText('#graph-details');
    assert.ok(details.includes(`[${squeezenet.layers[convIndex].outputShape!.join(', ')}]`), details);
    assert.equal((await harness.state())?.selectedNode, `layer:${convIndex}`);

    const scale = async () => Number(await page.getAttribute('#graph-svg', 'data-scale'));
    const transform = () => page.getAttribute('#graph-svg > g', 'transform');
    const before = await scale();
    const box = (await page.locator('#graph').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((previous) => Number(document.querySelector('#graph-svg')!.getAttribute('data-scale')) > previous, before);
    const zoomed = await transform();
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 80, { steps: 5 });
    await page.mouse.up();
    assert.notEqual(await transform(), zoomed);
    await page.click('#graph-fit');
    assert.ok((await scale()) >= 0.75, 'Fit keeps the node labels readable');
    assert.equal(await page.locator('#graph-minimap rect.minimap-node').count(), nodes);

    // Resizing the editor keeps the scene point in the middle of the canvas where it was.
    const middle = () => page.evaluate(() => {
      const [, scale, x, y] = /scale\(([^)]+)\) translate\(([^,]+),([^)]+)\)/.exec(document.querySelector('#graph-svg > g')!.getAttribute('transform')!)!.map(Number);
      const rect = document.querySelector('#graph')!.getBoundingClientRect();
      return [-x + rect.width / 2 / scale, -y + rect.height / 2 / scale];
    });
    const middleBefore = await middle();
    await page.setViewportSize({ width: 700, height: 600 });
    await page.waitForFunction((width) => document.querySelector('#graph')!.getBoundingClientRect().width < width, box.width);
    await page.waitForTimeout(200);
    const middleAfter = await middle();
    assert.ok(Math.hypot(middleAfter[0] - middleBefore[0], middleAfter[1] - middleBefore[1]) < 1, `${middleBefore} → ${middleAfter}`);
    assert.deepEqual(harness.cspViolations, []);
    assert.deepEqual(harness.pageErrors, []);
  });

  it('lays out a 200+ node network in the page', async function () {
    const { page } = harness;
    const network = residualNetwork(40);
    await harness.send({ requestId: 0, type: 'summary', summary: network });
    await page.click('vscode-tab-header[data-tab="graph"]');
    await page.waitForSelector('#graph-stats[data-layout-ms]');
    const nodes = await page.$$eval('#graph-svg .node', (elements) => elements.length);
    assert.ok(nodes >= 200, `${nodes} nodes`);
    const layoutMs = Number(await page.getAttribute('#graph-stats', 'data-layout-ms'));
    this.test!.title += ` (${nodes} nodes in ${layoutMs.toFixed(0)} ms)`;
    assert.ok(layoutMs < 5000, `layout took ${layoutMs} ms`);
  });

  it('renders the first rows of a very long layer table and all of them on request, totals always over all', async () => {
    const { page } = harness;
    const network = residualNetwork(100);
    await harness.send({ requestId: 0, type: 'summary', summary: network });
    await page.click('vscode-tab-header[data-tab="layers"]');
    const rows = () => page.$$eval('#layer-table vscode-table-row', (elements) => elements.length);
    const shownFirst = await rows();
    assert.ok(shownFirst < network.layers.length, `${shownFirst} rows rendered at first`);
    assert.equal(Number(await page.getAttribute('#layer-totals', 'data-rows')), network.layers.length);
    await page.click('#layer-show-all');
    assert.equal(await rows(), network.layers.length);
    assert.equal(await page.isHidden('#layer-show-all'), true);
  });

  it('shows which file failed and why, ignores malformed messages, and asks the host to retry', async () => {
    const { page } = harness;
    await harness.send({ requestId: 0, type: 'summary' });
    await harness.send({ requestId: 0, type: 'error', file: '/models/broken.onnx', message: 'not a valid ONNX protobuf (index out of range)' });
    await page.waitForSelector('#error');
    assert.equal(await page.textContent('#error-file'), '/models/broken.onnx');
    assert.equal(await page.textContent('#error-message'), 'not a valid ONNX protobuf (index out of range)');
    await page.click('#error-reload');
    assert.deepEqual(await harness.posted(), [{ type: 'ready', requestId: 1 }, { type: 'reload', requestId: 2 }]);
    assert.deepEqual(harness.pageErrors, []);
  });
});
