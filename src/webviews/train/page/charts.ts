// Live curves with chart.js: loss and accuracy, per step (thin line) and per epoch (train and validation, with points).
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { h } from '../../inspector/page/dom';
import type { TrainStrings } from '../protocol';
import { thin, type Point, type RunView } from './run-view';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

/** Enough points for a smooth curve; more only cost redraw time. */
const MAX_STEP_POINTS = 600;

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A lighter variant of a #rrggbb color for the noisy per-step curve. */
function faded(color: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}80` : color;
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: (view: RunView) => Point[];
  step?: boolean;
}

export class CurveChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chart: Chart<'line', Point[]>;

  constructor(id: string, title: string, xAxis: string, private readonly series: Series[], percent: boolean) {
    this.canvas = h('canvas', { id, role: 'img', 'aria-label': title });
    this.element = h('figure', { class: 'chart' }, h('figcaption', {}, title), h('div', { class: 'chart-box' }, this.canvas));
    const foreground = themeColor('--vscode-foreground', '#ccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        datasets: series.map((entry) => ({
          label: entry.label, data: [], borderColor: entry.color, backgroundColor: entry.color, borderWidth: entry.step ? 1 : 2,
          pointRadius: entry.step ? 0 : 3, borderDash: entry.dashed ? [6, 3] : [], parsing: false, tension: 0,
        })),
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, normalized: true,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: xAxis, color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
          y: {
            ticks: { color: foreground, callback: percent ? (value) => `${Math.round(Number(value) * 100)}%` : undefined },
            grid: { color: grid }, ...(percent ? { min: 0, max: 1 } : { beginAtZero: true }),
          },
        },
        plugins: { legend: { labels: { color: foreground, boxWidth: 12 } }, tooltip: { mode: 'nearest', intersect: false } },
      },
    });
  }

  update(view: RunView): void {
    let total = 0;
    this.series.forEach((entry, index) => {
      const points = entry.points(view);
      total += points.length;
      this.chart.data.datasets[index].data = entry.step ? thin(points, MAX_STEP_POINTS) : [...points];
    });
    const xScale = this.chart.options.scales!.x as { max?: number };
    // While a run goes, the axis spans its planned epochs; once it has ended, the epochs it ran.
    const ended = view.status === 'stopped' || view.status === 'finished' || view.status === 'failed';
    xScale.max = ended ? undefined : view.epochs ?? undefined;
    // For tests and screen readers: how many points the curves hold now.
    this.canvas.dataset.points = String(total);
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }
}

export function lossChart(strings: TrainStrings): CurveChart {
  const blue = themeColor('--vscode-charts-blue', '#3794ff');
  const orange = themeColor('--vscode-charts-orange', '#d18616');
  return new CurveChart('loss-chart', strings.loss, strings.epochAxis, [
    { label: strings.trainSteps, color: faded(blue), points: (view) => view.stepLoss, step: true },
    { label: strings.trainEpoch, color: blue, points: (view) => view.epochLoss },
    { label: strings.validation, color: orange, points: (view) => view.valLoss, dashed: true },
  ], false);
}

export function accuracyChart(strings: TrainStrings): CurveChart {
  const green = themeColor('--vscode-charts-green', '#89d185');
  const purple = themeColor('--vscode-charts-purple', '#b180d7');
  return new CurveChart('accuracy-chart', strings.accuracy, strings.epochAxis, [
    { label: strings.trainSteps, color: faded(green), points: (view) => view.stepAccuracy, step: true },
    { label: strings.trainEpoch, color: green, points: (view) => view.epochAccuracy },
    { label: strings.validation, color: purple, points: (view) => view.valAccuracy, dashed: true },
  ], true);
}
