import type { LayerInfo, ModelSummary } from '../../../runtime/inspect/types';
import { formatString as format } from '../../shared/strings';
import type { InspectorStrings } from '../protocol';
import { h, svg } from './dom';
import { formatAttribute, formatCount, formatShape } from './format';
import { buildModelGraph, layoutModelGraph, type GraphLayout, type ModelGraph, type PlacedNode } from './graph-model';

/** Below this zoom the node labels cannot be read: Fit never goes below it (the minimap shows the rest). */
const READABLE_SCALE = 0.75;

interface ViewBox {
  x: number;
  y: number;
  scale: number;
}

/** The graph tab: SVG drawing of the dagre layout, drag to pan, wheel to zoom, click a node for its details. */
export class GraphView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly details: HTMLElement;
  private readonly stats: HTMLElement;
  private readonly root: SVGSVGElement;
  private readonly scene: SVGGElement;
  private graph: ModelGraph | undefined;
  private layout: GraphLayout | undefined;
  private view: ViewBox = { x: 0, y: 0, scale: 1 };
  private selected: string | null = null;
  private failed = false;
  private readonly nodeElements = new Map<string, SVGGElement>();
  private readonly minimap: SVGSVGElement;
  private readonly minimapViewport: SVGRectElement;
  /** The canvas size the view was last laid out for, so a resize keeps the same scene point in the middle. */
  private canvasSize = { width: 0, height: 0 };

  constructor(private readonly summary: ModelSummary, private readonly strings: InspectorStrings, private readonly onSelect: (nodeId: string | null) => void) {
    this.root = svg('svg', { id: 'graph-svg', role: 'img', 'aria-label': strings.modelGraph });
    this.scene = svg('g');
    this.root.append(this.scene);
    this.canvas = h('div', { id: 'graph', class: 'graph-canvas', tabindex: '0' });
    this.minimap = svg('svg', { id: 'graph-minimap', class: 'graph-minimap', preserveAspectRatio: 'xMidYMid meet', 'aria-label': strings.minimap });
    this.minimapViewport = svg('rect', { class: 'minimap-viewport' });
    this.canvas.append(this.root, this.minimap);
    this.details = h('aside', { id: 'graph-details', class: 'graph-details' }, h('p', { class: 'muted' }, strings.clickNode));
    this.stats = h('span', { id: 'graph-stats', class: 'muted' });
    const button = (id: string, icon: string, label: string, action: () => void) => {
      const element = h('vscode-button', { id, secondary: true, icon, title: label }, label);
      element.addEventListener('click', action);
      return element;
    };
    const toolbar = h(
      'div',
      { class: 'graph-toolbar' },
      button('graph-fit', 'screen-full', strings.fit, () => this.fit()),
      button('graph-zoom-in', 'zoom-in', strings.zoomIn, () => this.zoomAt(1.25)),
      button('graph-zoom-out', 'zoom-out', strings.zoomOut, () => this.zoomAt(0.8)),
      this.stats,
    );
    this.element = h('div', { class: 'graph-view' }, toolbar, h('div', { class: 'graph-body' }, this.canvas, this.details));
    this.attachPanZoom();
    this.attachMinimap();
    new ResizeObserver(() => this.keepViewOnResize()).observe(this.canvas);
  }

  /** Keeps the scene point that was in the middle of the canvas in the middle when the editor is split or resized. */
  private keepViewOnResize(): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const previous = this.canvasSize;
    this.canvasSize = { width, height };
    if (!this.layout || width === 0 || height === 0 || previous.width === 0 || previous.height === 0) return;
    const { scale } = this.view;
    this.view = {
      scale,
      x: this.view.x + (previous.width - width) / 2 / scale,
      y: this.view.y + (previous.height - height) / 2 / scale,
    };
    this.applyView();
  }

  private attachMinimap(): void {
    this.minimap.addEventListener('pointerdown', (event) => {
      event.stopPropagation();
      const matrix = this.minimap.getScreenCTM();
      if (!matrix || !this.layout) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      const { width, height } = this.canvas.getBoundingClientRect();
      this.view = { ...this.view, x: point.x - width / 2 / this.view.scale, y: point.y - height / 2 / this.view.scale };
      this.applyView();
    });
    this.minimap.addEventListener('wheel', (event) => event.stopPropagation());
  }

  private drawMinimap(layout: GraphLayout): void {
    this.minimap.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    const nodes = layout.nodes.map((node) => svg('rect', { x: node.x - node.width / 2, y: node.y - node.height / 2, width: node.width, height: node.height, class: `minimap-node minimap-${node.kind}` }));
    this.minimap.replaceChildren(...nodes, this.minimapViewport);
  }

  /** Lays the graph out on first use (the other tabs never pay for it) and fits it once it has a size. */
  show(selected: string | null): void {
    if (!this.layout && !this.failed) {
      const started = performance.now();
      try {
        this.graph = buildModelGraph(this.summary);
        this.layout = layoutModelGraph(this.graph);
      } catch (error) {
        this.failed = true;
        this.stats.textContent = '';
        this.canvas.replaceChildren(
          h('p', { id: 'graph-error', class: 'graph-message' }, format(this.strings.layoutFailed, this.summary.layers.length, (error as Error).message)),
        );
        return;
      }
      const layoutMs = performance.now() - started;
      this.draw();
      this.stats.textContent = format(this.strings.graphStats, this.layout.nodes.length, this.layout.edges.length, layoutMs.toFixed(0));
      this.stats.dataset.layoutMs = layoutMs.toFixed(1);
      requestAnimationFrame(() => {
        this.showStart();
        if (selected) this.select(selected, true);
      });
    }
  }

  private draw(): void {
    const layout = this.layout!;
    const edgeLayer = svg('g', { class: 'edges' });
    for (const edge of layout.edges) {
      if (edge.points.length === 0) continue;
      const [first, ...rest] = edge.points;
      const d = `M${first.x},${first.y}` + rest.map((point) => ` L${point.x},${point.y}`).join('');
      const path = svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' });
      const title = svg('title');
      title.textContent = `${edge.tensor} ${formatShape(edge.shape)}`;
      path.append(title);
      edgeLayer.append(path);
    }
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }));
    defs.append(marker);

    const nodeLayer = svg('g', { class: 'nodes' });
    for (const node of layout.nodes) nodeLayer.append(this.drawNode(node));
    this.scene.replaceChildren(defs, edgeLayer, nodeLayer);
    this.drawMinimap(layout);
  }

  private drawNode(node: PlacedNode): SVGGElement {
    const group = svg('g', { class: `node node-${node.kind}`, 'data-node-id': node.id, transform: `translate(${node.x - node.width / 2},${node.y - node.height / 2})` });
    group.append(svg('rect', { width: node.width, height: node.height, rx: node.kind === 'layer' ? 4 : 14 }));
    const title = svg('text', { x: node.width / 2, y: 16, class: 'node-title' });
    title.textContent = node.title;
    const subtitle = svg('text', { x: node.width / 2, y: 31, class: 'node-subtitle' });
    subtitle.textContent = node.subtitle;
    group.append(title, subtitle);
    group.addEventListener('click', (event) => {
      event.stopPropagation();
      this.select(node.id);
    });
    this.nodeElements.set(node.id, group);
    return group;
  }

  /** Highlights a node and shows its details; `center` also pans it into the middle of the view. */
  select(nodeId: string | null, center = false): void {
    if (this.selected) this.nodeElements.get(this.selected)?.classList.remove('selected');
    const node = nodeId ? this.layout?.nodes.find((candidate) => candidate.id === nodeId) : undefined;
    this.selected = node ? node.id : null;
    if (node) {
      this.nodeElements.get(node.id)?.classList.add('selected');
      if (center) {
        const { width, height } = this.canvas.getBoundingClientRect();
        this.view = { ...this.view, x: node.x - width / 2 / this.view.scale, y: node.y - height / 2 / this.view.scale };
        this.applyView();
      }
    }
    this.renderDetails(node);
    this.onSelect(this.selected);
  }

  private renderDetails(node: PlacedNode | undefined): void {
    if (!node) {
      this.details.replaceChildren(h('p', { class: 'muted' }, this.strings.clickNode));
      return;
    }
    if (node.layerIndex === null) {
      this.details.replaceChildren(
        h('h3', {}, node.kind === 'input' ? this.strings.modelInput : this.strings.modelOutput),
        h('p', { class: 'mono' }, node.title),
        h('p', {}, node.subtitle),
      );
      return;
    }
    const layer = this.summary.layers[node.layerIndex];
    this.details.replaceChildren(
      h('h3', { id: 'graph-details-type' }, layer.type),
      h('p', { class: 'mono', id: 'graph-details-name' }, layer.name),
      h('p', {}, format(this.strings.paramsMacs, formatCount(layer.params), formatCount(layer.macs))),
      this.tensorList(this.strings.inputs, layer.inputs),
      this.tensorList(this.strings.outputs, layer.outputs, layer),
      h('h4', {}, this.strings.attributes),
      Object.keys(layer.attributes).length === 0
        ? h('p', { class: 'muted' }, this.strings.none)
        : h('table', { id: 'graph-details-attributes', class: 'attribute-table' }, h('tbody', {},
          ...Object.entries(layer.attributes).map(([name, value]) =>
            h('tr', { 'data-attribute': name }, h('th', {}, name), h('td', { class: 'mono' }, formatAttribute(name, value)))))),
    );
  }

  private tensorList(heading: string, tensors: string[], producer?: LayerInfo): HTMLElement {
    const rows = tensors.map((tensor, index) => {
      const shape = producer ? (producer.outputShapes[index] ?? null) : this.graph?.tensorShapes.get(tensor);
      const shapeText = shape === undefined ? this.strings.weightConstant : formatShape(shape);
      return h('tr', {}, h('td', { class: 'mono tensor-name' }, tensor || this.strings.noTensor), h('td', { class: 'mono tensor-shape' }, shapeText));
    });
    return h('div', {}, h('h4', {}, heading), h('table', { class: 'tensor-list' }, h('tbody', {}, ...rows)));
  }

  /** The start view: Fit, with the model inputs in view. */
  private showStart(): void {
    this.fit();
    if (!this.layout || this.view.scale * this.layout.width <= this.canvasSize.width) return;
    const start = this.layout.nodes.find((node) => node.kind === 'input') ?? this.layout.nodes[0];
    if (!start) return;
    this.view = { ...this.view, x: start.x - this.canvasSize.width / 2 / this.view.scale };
    this.applyView();
  }

  /**
   * Fits the graph's width (never zooming below a readable scale nor above 1.5); a graph taller than the canvas shows
   * its top: a deep network is read by panning down, with the minimap for the overview.
   */
  fit(): void {
    if (!this.layout) return;
    const { width, height } = this.canvas.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    this.canvasSize = { width, height };
    const scale = Math.max(READABLE_SCALE, Math.min(1.5, width / this.layout.width));
    const tall = this.layout.height * scale > height;
    this.view = {
      scale,
      x: this.layout.width / 2 - width / 2 / scale,
      y: tall ? 0 : this.layout.height / 2 - height / 2 / scale,
    };
    this.applyView();
  }

  /** Zooms around a point of the canvas (client pixels relative to it); the centre by default. */
  private zoomAt(factor: number, anchor?: { x: number; y: number }): void {
    const rect = this.canvas.getBoundingClientRect();
    const point = anchor ?? { x: rect.width / 2, y: rect.height / 2 };
    const scale = Math.min(8, Math.max(0.02, this.view.scale * factor));
    const sceneX = this.view.x + point.x / this.view.scale;
    const sceneY = this.view.y + point.y / this.view.scale;
    this.view = { scale, x: sceneX - point.x / scale, y: sceneY - point.y / scale };
    this.applyView();
  }

  private applyView(): void {
    this.scene.setAttribute('transform', `scale(${this.view.scale}) translate(${-this.view.x},${-this.view.y})`);
    this.root.dataset.scale = this.view.scale.toFixed(3);
    const { width, height } = this.canvasSize;
    for (const [key, value] of Object.entries({ x: this.view.x, y: this.view.y, width: width / this.view.scale, height: height / this.view.scale })) {
      this.minimapViewport.setAttribute(key, String(value));
    }
  }

  private attachPanZoom(): void {
    let drag: { x: number; y: number; viewX: number; viewY: number; moved: boolean } | undefined;
    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, viewX: this.view.x, viewY: this.view.y, moved: false };
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 3) return;
      if (!drag.moved) this.canvas.setPointerCapture(event.pointerId);
      drag.moved = true;
      this.canvas.classList.add('panning');
      this.view = { ...this.view, x: drag.viewX - dx / this.view.scale, y: drag.viewY - dy / this.view.scale };
      this.applyView();
    });
    const endDrag = (event: PointerEvent) => {
      if (drag?.moved && this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
      drag = undefined;
      this.canvas.classList.remove('panning');
    };
    this.canvas.addEventListener('pointerup', endDrag);
    this.canvas.addEventListener('pointercancel', endDrag);
    this.canvas.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const rect = this.canvas.getBoundingClientRect();
        this.zoomAt(Math.exp(-event.deltaY * 0.0015), { x: event.clientX - rect.left, y: event.clientY - rect.top });
      },
      { passive: false },
    );
    this.canvas.addEventListener('keydown', (event) => {
      if (event.key === '+' || event.key === '=') this.zoomAt(1.25);
      else if (event.key === '-') this.zoomAt(0.8);
      else if (event.key === '0') this.fit();
    });
  }
}
