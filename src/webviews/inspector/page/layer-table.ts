import type { LayerInfo } from '../../../runtime/inspect/types';
import { formatString as format } from '../../shared/strings';
import type { InspectorStrings } from '../protocol';
import { h } from './dom';
import { formatCount, formatExact, formatShape } from './format';

export interface LayerColumn {
  key: string;
  /** The heading's key in the page's strings. */
  label: keyof InspectorStrings;
  numeric: boolean;
  value(layer: LayerInfo, index: number): string | number;
  text(layer: LayerInfo, index: number): string;
}

export const LAYER_COLUMNS: LayerColumn[] = [
  { key: 'index', label: 'columnIndex', numeric: true, value: (_, index) => index, text: (_, index) => String(index + 1) },
  { key: 'name', label: 'name', numeric: false, value: (layer) => layer.name, text: (layer) => layer.name },
  { key: 'type', label: 'columnOpType', numeric: false, value: (layer) => layer.type, text: (layer) => layer.type },
  { key: 'outputShape', label: 'columnOutputShape', numeric: false, value: (layer) => formatShape(layer.outputShape), text: (layer) => formatShape(layer.outputShape) },
  { key: 'params', label: 'columnParams', numeric: true, value: (layer) => layer.params, text: (layer) => formatExact(layer.params) },
  { key: 'macs', label: 'macs', numeric: true, value: (layer) => layer.macs ?? -1, text: (layer) => formatExact(layer.macs) },
];

/** Layer indices matching the filter (name, op type or shape contains it, case-insensitive), in the chosen order. */
export function visibleLayerRows(layers: LayerInfo[], filter: string, sortColumn: string | null, descending: boolean): number[] {
  const needle = filter.trim().toLowerCase();
  const rows = layers
    .map((_, index) => index)
    .filter((index) => {
      if (!needle) return true;
      const layer = layers[index];
      return [layer.name, layer.type, formatShape(layer.outputShape)].some((text) => text.toLowerCase().includes(needle));
    });
  const column = LAYER_COLUMNS.find((candidate) => candidate.key === sortColumn);
  if (column) {
    const direction = descending ? -1 : 1;
    rows.sort((a, b) => {
      const left = column.value(layers[a], a);
      const right = column.value(layers[b], b);
      const order = typeof left === 'number' && typeof right === 'number' ? left - right : String(left).localeCompare(String(right));
      return order * direction || a - b;
    });
  }
  return rows;
}

/** Rows rendered before "Show all": thousands of table cells take seconds to lay out. */
const ROW_LIMIT = 400;

export interface LayerTableState {
  filter: string;
  sortColumn: string | null;
  sortDescending: boolean;
}

/** The sortable, searchable layer table with a totals line for the rows shown. */
export class LayerTable {
  readonly element: HTMLElement;
  private readonly table: HTMLElement;
  private readonly body: HTMLElement;
  private readonly totals: HTMLElement;
  private readonly headerCells = new Map<string, HTMLElement>();
  private readonly showAllButton: HTMLElement;
  private showAll = false;

  constructor(
    private readonly layers: LayerInfo[],
    private readonly strings: InspectorStrings,
    private state: LayerTableState,
    private readonly onChange: (state: LayerTableState) => void,
    private readonly onOpenLayer: (index: number) => void,
  ) {
    const filter = h('vscode-textfield', { id: 'layer-filter', placeholder: strings.filterPlaceholder, value: state.filter }) as HTMLElement & { value: string };
    filter.append(h('vscode-icon', { slot: 'content-before', name: 'search', title: strings.search }));
    filter.addEventListener('input', () => this.update({ ...this.state, filter: filter.value }));

    const header = h('vscode-table-header', { slot: 'header' });
    for (const column of LAYER_COLUMNS) {
      const cell = h('vscode-table-header-cell', { 'data-column': column.key, class: `sortable ${column.numeric ? 'numeric' : ''}`, title: format(strings.sortBy, strings[column.label]) }, strings[column.label]);
      cell.addEventListener('click', () => this.sortBy(column.key));
      this.headerCells.set(column.key, cell);
      header.append(cell);
    }
    this.body = h('vscode-table-body', { slot: 'body' });
    this.table = h('vscode-table', { id: 'layer-table', zebra: true, 'bordered-columns': true, resizable: true, columns: JSON.stringify(['6%', '30%', '14%', '20%', '14%', '16%']) }, header, this.body);
    this.totals = h('div', { id: 'layer-totals', class: 'totals' });
    this.showAllButton = h('vscode-button', { id: 'layer-show-all', secondary: true });
    this.showAllButton.addEventListener('click', () => {
      this.showAll = true;
      this.render();
    });
    this.element = h('div', { class: 'layer-view' }, h('div', { class: 'layer-toolbar' }, filter, this.totals, this.showAllButton), this.table);
    this.render();
  }

  private sortBy(key: string): void {
    const descending = this.state.sortColumn === key ? !this.state.sortDescending : LAYER_COLUMNS.find((column) => column.key === key)!.numeric;
    this.update({ ...this.state, sortColumn: key, sortDescending: descending });
  }

  private update(state: LayerTableState): void {
    this.state = state;
    this.render();
    this.onChange(state);
  }

  private render(): void {
    const rows = visibleLayerRows(this.layers, this.state.filter, this.state.sortColumn, this.state.sortDescending);
    const shown = this.showAll ? rows : rows.slice(0, ROW_LIMIT);
    this.body.replaceChildren(
      ...shown.map((index) => {
        const layer = this.layers[index];
        const row = h('vscode-table-row', { 'data-layer-index': String(index), title: this.strings.rowTitle });
        for (const column of LAYER_COLUMNS) {
          row.append(h('vscode-table-cell', { class: column.numeric ? 'numeric' : column.key === 'outputShape' || column.key === 'name' ? 'mono' : '' }, column.text(layer, index)));
        }
        row.addEventListener('dblclick', () => this.onOpenLayer(index));
        return row;
      }),
    );
    for (const [key, cell] of this.headerCells) {
      const sorted = this.state.sortColumn === key;
      cell.dataset.sort = sorted ? (this.state.sortDescending ? 'descending' : 'ascending') : '';
      const column = LAYER_COLUMNS.find((candidate) => candidate.key === key)!;
      const label = this.strings[column.label];
      cell.textContent = sorted ? `${label} ${this.state.sortDescending ? '▼' : '▲'}` : label;
    }
    const params = rows.reduce((sum, index) => sum + this.layers[index].params, 0);
    const macs = rows.some((index) => this.layers[index].macs === null) ? null : rows.reduce((sum, index) => sum + this.layers[index].macs!, 0);
    this.totals.textContent = format(this.strings.totals, rows.length, this.layers.length, formatCount(params),
      macs === null ? this.strings.macsUnknownTotal : format(this.strings.macsTotal, formatCount(macs)));
    this.showAllButton.hidden = shown.length === rows.length;
    this.showAllButton.textContent = format(this.strings.showAll, rows.length, ROW_LIMIT);
    this.totals.dataset.rows = String(rows.length);
    this.totals.dataset.params = String(params);
    this.totals.dataset.macs = String(macs);
  }
}
