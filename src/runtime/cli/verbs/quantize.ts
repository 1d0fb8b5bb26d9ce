import { parseArgs } from 'node:util';
import { PREPROCESSING_FLAGS, PREPROCESSING_USAGE, preprocessingOverrides } from '../../images/flags';
import { runQuantize } from '../../quantize';
import type { ActivationType, CalibrationMethod, QuantizeConfig, QuantizeMode, QuantizeReport, TfjsWeightDtype } from '../../quantize/types';

export const QUANTIZE_USAGE = `quantize MODEL --mode static|dynamic|fp16 [--calib DIR] [--calib-limit N] [--method minmax|percentile|entropy] [--percentile P] [--per-channel|--per-tensor] [--symmetric] [--activations int8|uint8] [--reduce-range] [--exclude NAME,...] [--eval DIR] [--eval-limit N] [--sensitivity] [--accuracy-budget POINTS] [--keep-io-float32] [--explanation-drift N] [--tfjs-dtype uint8|uint16|float16] [--tfjs-weights NAME,...] [--threads N] [--out FILE] ${PREPROCESSING_USAGE} --json`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${flag} expects a positive number, got "${value}"`);
  return number;
}

function printReport(report: QuantizeReport): void {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`${report.output} (${report.mode})`);
  console.log(`  size     ${kib(report.original.bytes)} → ${kib(report.quantized.bytes)} (${((100 * report.quantized.bytes) / report.original.bytes).toFixed(1)}%)`);
  console.log(`  latency  ${report.original.latencyMs.toFixed(2)} ms → ${report.quantized.latencyMs.toFixed(2)} ms (CPU int8: ${report.cpuInt8Support})`);
  if (report.original.accuracy !== undefined) console.log(`  accuracy ${(100 * report.original.accuracy).toFixed(2)}% → ${(100 * (report.quantized.accuracy ?? 0)).toFixed(2)}%`);
  if (report.agreement) console.log(`  agreement top-1 ${(100 * report.agreement.top1Agreement).toFixed(2)}%, cosine ${report.agreement.meanCosine.toFixed(4)}, SQNR ${report.agreement.sqnrDb.toFixed(1)} dB on ${report.agreement.images} images`);
  console.log(`  nodes    ${report.nodes.quantized} quantized, ${report.nodes.keptFloat.length} kept float`);
  for (const layer of report.sensitivity ?? []) console.log(`    ${layer.sqnrDb.toFixed(1).padStart(6)} dB  ${layer.name} (${layer.opType})${layer.excluded ? ' excluded' : ''}`);
  for (const warning of report.warnings) console.log(`  warning: ${warning}`);
}

/** `quantize`: int8 (static or dynamic) or float16 version of an ONNX model (tfjs models: weight quantization), with size, latency and agreement. */
export async function quantizeVerb(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...PREPROCESSING_FLAGS,
      mode: { type: 'string' }, calib: { type: 'string' }, 'calib-limit': { type: 'string' }, method: { type: 'string' },
      percentile: { type: 'string' }, 'per-channel': { type: 'boolean' }, 'per-tensor': { type: 'boolean' }, symmetric: { type: 'boolean' },
      activations: { type: 'string' }, 'reduce-range': { type: 'boolean' }, exclude: { type: 'string' }, eval: { type: 'string' },
      'eval-limit': { type: 'string' }, sensitivity: { type: 'boolean' }, 'accuracy-budget': { type: 'string' },
      'keep-io-float32': { type: 'boolean' }, threads: { type: 'string' }, 'explanation-drift': { type: 'string' }, 'tfjs-dtype': { type: 'string' }, 'tfjs-weights': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  const [model] = positionals;
  const mode = oneOf<QuantizeMode>('mode', values.mode, ['static', 'dynamic', 'fp16']);
  if (!model || !mode || positionals.length > 1) {
    console.error(`usage: ${QUANTIZE_USAGE}`);
    return 2;
  }
  if (values['per-channel'] && values['per-tensor']) throw new Error('--per-channel and --per-tensor exclude each other');
  const percentile = positiveNumber('percentile', values.percentile);
  if (percentile !== undefined && percentile > 100) throw new Error('--percentile must be at most 100');
  const budget = values['accuracy-budget'] === undefined ? undefined : Number(values['accuracy-budget']);
  if (budget !== undefined && !(budget >= 0)) throw new Error(`--accuracy-budget expects points (0 or more), got "${values['accuracy-budget']}"`);
  const config: QuantizeConfig = {
    model,
    mode,
    out: values.out,
    calibration: values.calib,
    calibrationLimit: positiveNumber('calib-limit', values['calib-limit']),
    method: oneOf<CalibrationMethod>('method', values.method, ['minmax', 'percentile', 'entropy']),
    percentile,
    perChannel: values['per-channel'] ? true : values['per-tensor'] ? false : undefined,
    symmetric: values.symmetric,
    activations: oneOf<ActivationType>('activations', values.activations, ['int8', 'uint8']),
    reduceRange: values['reduce-range'],
    exclude: values.exclude?.split(',').map((name) => name.trim()).filter(Boolean),
    evaluation: values.eval,
    evaluationLimit: positiveNumber('eval-limit', values['eval-limit']),
    sensitivity: values.sensitivity,
    accuracyBudget: budget,
    keepIoFloat32: values['keep-io-float32'],
    threads: positiveNumber('threads', values.threads),
    explanationDriftImages: positiveNumber('explanation-drift', values['explanation-drift']),
    tfjsDtype: oneOf<TfjsWeightDtype>('tfjs-dtype', values['tfjs-dtype'], ['uint8', 'uint16', 'float16']),
    tfjsWeights: values['tfjs-weights']?.split(',').map((name) => name.trim()).filter(Boolean),
    preprocessing: preprocessingOverrides(values),
  };
  const report = await runQuantize(config, values.json ? undefined : (event) => { if (event.type === 'stage') console.error(`${event.stage}: ${event.message}`); });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return 0;
}
