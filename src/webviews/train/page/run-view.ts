// What the page shows of a run, folded from its events: pure, so it is tested without a browser.
import type { EpochMetrics, TrainEvent, TrainSummary } from '../../../runtime/train/types';
import type { JobStatus } from '../protocol';

export interface Point {
  x: number;
  y: number;
}

export interface RunView {
  status: JobStatus | 'idle';
  classes: string[];
  trainImages: number;
  valImages: number;
  skipped: { file: string; reason: string }[];
  provider: string | null;
  device: string | null;
  /** Why the run is on the CPU when a GPU provider was asked for and failed. */
  providerFallback: string | null;
  /** How the data's labels were read (single-label class folders, multi-label from labels.csv…). */
  labelling: string | null;
  epochs: number | null;
  /** x: epochs done as a fraction (epoch 2, step 5 of 10 → 1.5), so step and epoch curves share the axis. */
  stepLoss: Point[];
  stepAccuracy: Point[];
  epochLoss: Point[];
  epochAccuracy: Point[];
  valLoss: Point[];
  valAccuracy: Point[];
  imagesPerSec: number | null;
  etaSeconds: number | null;
  learningRate: number | null;
  lastEpoch: EpochMetrics | null;
  checkpoint: string | null;
  /** Grad-CAM of each watched image after each epoch (base64 PNG). */
  gradcams: Map<string, { epoch: number; png: string }[]>;
  summary: TrainSummary | null;
  error: string | null;
}

export function emptyRunView(): RunView {
  return {
    status: 'idle', classes: [], trainImages: 0, valImages: 0, skipped: [], provider: null, device: null, providerFallback: null, labelling: null, epochs: null,
    stepLoss: [], stepAccuracy: [], epochLoss: [], epochAccuracy: [], valLoss: [], valAccuracy: [],
    imagesPerSec: null, etaSeconds: null, learningRate: null, lastEpoch: null, checkpoint: null, gradcams: new Map(), summary: null, error: null,
  };
}

function addEpoch(view: RunView, metrics: EpochMetrics): void {
  view.lastEpoch = metrics;
  view.epochLoss.push({ x: metrics.epoch, y: metrics.loss });
  view.epochAccuracy.push({ x: metrics.epoch, y: metrics.accuracy });
  if (Number.isFinite(metrics.valLoss)) view.valLoss.push({ x: metrics.epoch, y: metrics.valLoss });
  if (Number.isFinite(metrics.valAccuracy)) view.valAccuracy.push({ x: metrics.epoch, y: metrics.valAccuracy });
  view.imagesPerSec = metrics.imagesPerSec;
  view.provider = metrics.provider;
}

/** Folds one event into the view (in place) and returns it. */
export function applyEvent(view: RunView, event: TrainEvent): RunView {
  switch (event.type) {
    case 'started':
      Object.assign(view, { status: 'running', classes: event.classes, trainImages: event.trainImages, valImages: event.valImages, skipped: event.skipped, provider: event.provider, device: event.device, providerFallback: event.providerFallback ?? null, labelling: event.labelling ?? null });
      break;
    case 'step': {
      const x = event.epoch - 1 + event.step / event.stepsPerEpoch;
      view.stepLoss.push({ x, y: event.loss });
      view.stepAccuracy.push({ x, y: event.accuracy });
      Object.assign(view, { imagesPerSec: event.imagesPerSec, etaSeconds: event.etaSeconds, learningRate: event.learningRate });
      if (view.status === 'starting') view.status = 'running';
      break;
    }
    case 'epoch':
      addEpoch(view, event.metrics);
      view.checkpoint = event.checkpoint;
      break;
    case 'gradcam': {
      const list = view.gradcams.get(event.image) ?? [];
      list.push({ epoch: event.epoch, png: event.png });
      view.gradcams.set(event.image, list);
      break;
    }
    case 'paused':
      view.status = 'paused';
      break;
    case 'resumed':
      view.status = 'running';
      break;
    case 'stopped':
      view.status = 'stopped';
      view.etaSeconds = null;
      if (event.checkpoint) view.checkpoint = event.checkpoint;
      break;
    case 'finished':
      view.summary = event.summary;
      view.checkpoint = event.summary.checkpoint || view.checkpoint;
      if (view.status !== 'stopped') view.status = 'finished';
      view.etaSeconds = null;
      break;
    case 'error':
      view.status = 'failed';
      view.error = event.message;
      view.etaSeconds = null;
      break;
  }
  return view;
}

/** A view of a whole run from its events, as a page that (re)connects builds it. */
export function replay(events: TrainEvent[], status: JobStatus, epochs: number | null): RunView {
  const view = emptyRunView();
  view.status = 'starting';
  view.epochs = epochs;
  for (const event of events) applyEvent(view, event);
  view.status = status;
  return view;
}

/** The epoch curves of an interrupted run, from its checkpoint's history. */
export function historyView(history: EpochMetrics[]): RunView {
  const view = emptyRunView();
  for (const metrics of history) addEpoch(view, metrics);
  return view;
}

/** "1 h 02 min", "3 min 05 s", "42 s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(100 * value).toFixed(digits)}%`;
}

/**
 * Keeps a long curve drawable: at most `limit` points, evenly picked, always with the last one (the chart's newest
 * value must be the run's).
 */
export function thin(points: Point[], limit: number): Point[] {
  if (points.length <= limit) return points;
  const stride = points.length / (limit - 1);
  const kept: Point[] = [];
  for (let i = 0; i < limit - 1; i++) kept.push(points[Math.floor(i * stride)]);
  kept.push(points[points.length - 1]);
  return kept;
}

/** Shade of a confusion matrix cell: its share of the actual class's row (0..1). */
export function rowShares(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return row.map((count) => (total === 0 ? 0 : count / total));
  });
}
