// The Quantize page's logic without the DOM: form values → settings, a report → the rows, bars and figures shown.
import type { Preprocessing } from '../../../runtime/images/types';
import type { ActivationType, CalibrationMethod, LayerSensitivity, QuantizeMode, QuantizeReport, TfjsWeightDtype } from '../../../runtime/quantize/types';
import { formatBytes } from '../../inspector/page/format';
import { formatString as format } from '../../shared/strings';
import { parseSettings, type QuantizeSettings, type QuantizeStrings } from '../protocol';

/** The form as the user filled it in: text fields stay text until settingsFromForm checks them. */
export interface FormValues {
  mode: QuantizeMode;
  perChannel: boolean;
  method: CalibrationMethod;
  percentile: string;
  activations: ActivationType;
  symmetric: boolean;
  /** 7-bit weights: 'auto' leaves it to the runtime (on for CPUs without VNNI). */
  reduceRange: 'auto' | 'on' | 'off';
  /** Node names or op types, separated by commas or new lines. */
  exclude: string;
  calibration: string;
  calibrationLimit: string;
  evaluation: string;
  evaluationLimit: string;
  keepIoFloat32: boolean;
  sensitivity: boolean;
  /** Automatic mode: exclude the most sensitive layers until the drop is within accuracyBudget points. */
  automatic: boolean;
  accuracyBudget: string;
  driftImages: string;
  tfjsDtype: TfjsWeightDtype;
  tfjsWeights: string;
  preprocessing?: Partial<Preprocessing>;
}

/** The runtime's defaults, as the CLI has them: static QDQ, per-channel symmetric int8 weights, MinMax, asymmetric uint8 activations. */
export function defaultFormValues(): FormValues {
  return {
    mode: 'static', perChannel: true, method: 'minmax', percentile: '99.999', activations: 'uint8', symmetric: false, reduceRange: 'auto',
    exclude: '', calibration: '', calibrationLimit: '', evaluation: '', evaluationLimit: '', keepIoFloat32: true,
    sensitivity: true, automatic: false, accuracyBudget: '1', driftImages: '2', tfjsDtype: 'uint8', tfjsWeights: '',
  };
}

/** Settings shown again in the form (after a reload, or when a report comes back). */
export function formValuesFrom(settings: QuantizeSettings): FormValues {
  const defaults = defaultFormValues();
  const text = (value: number | undefined, fallback: string) => (value === undefined ? fallback : String(value));
  return {
    mode: settings.mode,
    perChannel: settings.perChannel ?? defaults.perChannel,
    method: settings.method ?? defaults.method,
    percentile: text(settings.percentile, defaults.percentile),
    activations: settings.activations ?? defaults.activations,
    symmetric: settings.symmetric ?? defaults.symmetric,
    reduceRange: settings.reduceRange === undefined ? 'auto' : settings.reduceRange ? 'on' : 'off',
    exclude: (settings.exclude ?? []).join(', '),
    calibration: settings.calibration ?? '',
    calibrationLimit: text(settings.calibrationLimit, ''),
    evaluation: settings.evaluation ?? '',
    evaluationLimit: text(settings.evaluationLimit, ''),
    keepIoFloat32: settings.keepIoFloat32 ?? defaults.keepIoFloat32,
    sensitivity: settings.sensitivity ?? false,
    automatic: settings.accuracyBudget !== undefined,
    accuracyBudget: text(settings.accuracyBudget, defaults.accuracyBudget),
    driftImages: text(settings.explanationDriftImages, '0'),
    tfjsDtype: settings.tfjsDtype ?? defaults.tfjsDtype,
    tfjsWeights: (settings.tfjsWeights ?? []).join(', '),
    preprocessing: settings.preprocessing,
  };
}

export function splitNames(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((name) => name.trim()).filter((name) => name.length > 0))];
}

/** A number field: undefined when empty, NaN when not a number (parseSettings then names the field). */
function numberField(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

/**
 * The settings a run gets from the form, only those that apply to the chosen mode and model format; or the reason
 * the form cannot run yet. TensorFlow.js models get weight quantization: float16 or uint8/uint16 weights.
 */
export function settingsFromForm(values: FormValues, modelFormat: 'onnx' | 'tfjs', strings: QuantizeStrings): { settings: QuantizeSettings } | { error: string } {
  const settings: Record<string, unknown> = {};
  const evaluation = values.evaluation || values.calibration;
  if (modelFormat === 'tfjs') {
    settings.mode = values.tfjsDtype === 'float16' ? 'fp16' : 'dynamic';
    settings.tfjsDtype = values.tfjsDtype;
    const weights = splitNames(values.tfjsWeights);
    if (weights.length > 0) settings.tfjsWeights = weights;
  } else {
    settings.mode = values.mode;
    const exclude = splitNames(values.exclude);
    if (exclude.length > 0) settings.exclude = exclude;
    if (values.mode === 'fp16') {
      settings.keepIoFloat32 = values.keepIoFloat32;
    } else {
      settings.perChannel = values.perChannel;
      if (values.reduceRange !== 'auto') settings.reduceRange = values.reduceRange === 'on';
    }
    if (values.mode === 'static') {
      if (!values.calibration) return { error: strings.needsCalibration };
      settings.calibration = values.calibration;
      settings.calibrationLimit = numberField(values.calibrationLimit);
      settings.method = values.method;
      if (values.method === 'percentile') settings.percentile = numberField(values.percentile);
      settings.activations = values.activations;
      settings.symmetric = values.symmetric;
    }
  }
  if (evaluation) {
    settings.evaluation = evaluation;
    settings.evaluationLimit = numberField(values.evaluationLimit);
    settings.sensitivity = values.sensitivity || values.automatic;
    if (values.automatic) settings.accuracyBudget = numberField(values.accuracyBudget);
    if (modelFormat === 'onnx') settings.explanationDriftImages = numberField(values.driftImages);
  }
  if (values.preprocessing) settings.preprocessing = values.preprocessing;
  for (const key of Object.keys(settings)) if (settings[key] === undefined) delete settings[key];
  const parsed = parseSettings(settings);
  if ('error' in parsed) return { error: format(strings.checkSettings, parsed.error) };
  return parsed;
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toPrecision(3)} ms`;
}

/** One line of the side-by-side table: the float model, the quantized one and what changed. */
export interface ComparisonRow {
  key: 'size' | 'latency' | 'accuracy';
  label: string;
  original: string;
  quantized: string;
  change: string;
  /** Whether the change is for the better (smaller, faster, as accurate). */
  better: boolean;
}

export function comparisonRows(report: QuantizeReport, strings: QuantizeStrings): ComparisonRow[] {
  const { original, quantized } = report;
  const rows: ComparisonRow[] = [
    {
      key: 'size', label: strings.fileSize, original: formatBytes(original.bytes), quantized: formatBytes(quantized.bytes),
      change: format(strings.ofOriginal, formatPercent(quantized.bytes / original.bytes, 0)), better: quantized.bytes < original.bytes,
    },
    {
      key: 'latency', label: format(strings.latency, report.provider), original: formatMs(original.latencyMs), quantized: formatMs(quantized.latencyMs),
      change: quantized.latencyMs <= original.latencyMs
        ? format(strings.faster, (original.latencyMs / quantized.latencyMs).toFixed(2))
        : format(strings.slower, (quantized.latencyMs / original.latencyMs).toFixed(2)),
      better: quantized.latencyMs <= original.latencyMs,
    },
  ];
  if (original.accuracy !== undefined && quantized.accuracy !== undefined) {
    const drop = 100 * (original.accuracy - quantized.accuracy);
    rows.push({
      key: 'accuracy', label: strings.accuracyRow, original: formatPercent(original.accuracy), quantized: formatPercent(quantized.accuracy),
      change: drop > 0 ? format(strings.pointsDown, drop.toFixed(1)) : drop < 0 ? format(strings.pointsUp, (-drop).toFixed(1)) : strings.unchanged, better: drop <= 0,
    });
  }
  return rows;
}

/** The agreement figures between the float and the quantized model, as label/value pairs. */
export function agreementFigures(report: QuantizeReport, strings: QuantizeStrings): { key: string; label: string; value: string; title: string }[] {
  const agreement = report.agreement;
  if (!agreement) return [];
  return [
    { key: 'top1', label: strings.top1, value: formatPercent(agreement.top1Agreement), title: format(strings.top1Title, Math.round(agreement.top1Agreement * agreement.images), agreement.images) },
    { key: 'cosine', label: strings.outputCosine, value: agreement.meanCosine.toFixed(4), title: strings.outputCosineTitle },
    { key: 'sqnr', label: strings.sqnrLabel, value: format(strings.sqnrValue, agreement.sqnrDb.toFixed(1)), title: strings.sqnrTitle },
  ];
}

/** Layers ranked worst first (the lowest SQNR adds the most error), those already excluded last. */
export function rankSensitivity(layers: readonly LayerSensitivity[]): LayerSensitivity[] {
  return [...layers].sort((a, b) => Number(a.excluded) - Number(b.excluded) || a.sqnrDb - b.sqnrDb || a.name.localeCompare(b.name));
}

/** The chart's bars: the `limit` worst layers with their SQNR in dB. */
export function sensitivityBars(layers: readonly LayerSensitivity[], limit = 20): { labels: string[]; values: number[]; excluded: boolean[] } {
  const ranked = rankSensitivity(layers).slice(0, limit);
  return { labels: ranked.map((layer) => `${layer.name} (${layer.opType})`), values: ranked.map((layer) => Number(layer.sqnrDb.toFixed(2))), excluded: ranked.map((layer) => layer.excluded) };
}

/** The settings of the next run after "exclude the worst": the previous exclusions plus the `count` worst layers not excluded yet. */
export function excludeWorst(settings: QuantizeSettings, report: QuantizeReport, count = 1): QuantizeSettings | undefined {
  const already = new Set([...(settings.exclude ?? []), ...(report.exclusions ?? [])]);
  const worst = rankSensitivity(report.sensitivity ?? []).filter((layer) => !layer.excluded && !already.has(layer.name)).slice(0, count);
  if (worst.length === 0) return undefined;
  return { ...settings, exclude: [...already, ...worst.map((layer) => layer.name)] };
}

/** Warnings worth a line of their own: the runtime's, and int8 support missing on this CPU. */
export function reportNotes(report: QuantizeReport, strings: QuantizeStrings): string[] {
  const notes = [...report.warnings];
  if (report.mode !== 'fp16' && report.cpuInt8Support === 'none') notes.push(strings.noInt8);
  return notes;
}
