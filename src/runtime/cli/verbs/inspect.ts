import { parseArgs } from 'node:util';
import { inspectModel } from '../../inspect';
import { CLASS_NAMES_METADATA_KEY, embeddedClassNames } from '../../predict/labels';
import type { ModelSummary, Shape, TensorInfo } from '../../inspect/types';

export const INSPECT_USAGE = 'inspect MODEL [--dim NAME=VALUE]... [--json]   (MODEL: .onnx, or a TensorFlow.js model.json; --dim binds a symbolic input dim)';

export function formatShape(shape: Shape | null): string {
  return shape ? `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]` : '?';
}

const count = (value: number | null) => (value === null ? '?' : value.toLocaleString('en-US'));
const macsText = (summary: ModelSummary) => (summary.macs === null ? `unknown, bind the dims (${count(summary.macsKnown)} in the layers whose shapes are known)` : count(summary.macs));

function table(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd()).join('\n');
}

/** The summary as text for a terminal: facts, inputs and outputs, the layer table with totals, the op histogram. */
/** Class names shown in a summary line; the rest are counted. */
const SUMMARY_CLASS_NAMES = 8;
/** Longest metadata value shown in full. */
const SUMMARY_METADATA_CHARS = 200;

/** A metadata value for the summary: class names as a count and the first few, other long values cut. */
function metadataText(key: string, value: string, metadata: Record<string, string>): string {
  const names = key === CLASS_NAMES_METADATA_KEY ? embeddedClassNames(metadata) : undefined;
  if (names) {
    const more = names.length > SUMMARY_CLASS_NAMES ? `, … (${names.length - SUMMARY_CLASS_NAMES} more)` : '';
    return `${names.length} classes: ${names.slice(0, SUMMARY_CLASS_NAMES).map((name) => JSON.stringify(name)).join(', ')}${more}`;
  }
  return value.length > SUMMARY_METADATA_CHARS ? `${value.slice(0, SUMMARY_METADATA_CHARS)}… (${value.length} characters)` : value;
}

export function formatSummary(summary: ModelSummary): string {
  const tensor = (info: TensorInfo) => `  ${info.name}: ${info.dtype} ${formatShape(info.shape)}`;
  const bytes = Object.entries(summary.paramBytesByDtype).map(([dtype, entry]) => `${dtype} ${count(entry.count)} (${count(entry.bytes)} bytes)`).join(', ');
  const lines = [
    `${summary.file}`,
    `format ${summary.format}${summary.opset !== null ? `, opset ${summary.opset}` : ''}${summary.irVersion !== null ? `, IR ${summary.irVersion}` : ''}${summary.producer ? `, producer ${summary.producer}` : ''}, ${count(summary.fileSize)} bytes`,
    `parameters ${count(summary.params)}${bytes ? ` (${bytes})` : ''}, MACs ${macsText(summary)}`,
    'inputs', ...summary.inputs.map(tensor),
    'outputs', ...summary.outputs.map(tensor),
  ];
  for (const [key, value] of Object.entries(summary.metadata)) lines.push(`metadata ${key} = ${metadataText(key, value, summary.metadata)}`);
  lines.push('');
  const rows = [['name', 'type', 'output shape', 'params', 'MACs']];
  for (const layer of summary.layers) rows.push([layer.name, layer.type, formatShape(layer.outputShape), count(layer.params), count(layer.macs)]);
  rows.push(['total', `${summary.layers.length} layers`, '', count(summary.params), count(summary.macs)]);
  lines.push(table(rows, new Set([3, 4])), '');
  const histogram = Object.entries(summary.ops).sort((a, b) => b[1] - a[1]);
  lines.push(`ops ${histogram.map(([op, n]) => `${op} ${n}`).join(', ')}`);
  return lines.join('\n');
}

/** `inspect`: what a model is (inputs, outputs, layers with shapes, parameters and MACs). */
export async function inspectVerb(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: 'boolean' }, dim: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) {
    console.error(`usage: ${INSPECT_USAGE}`);
    return 2;
  }
  const dims: Record<string, number> = {};
  for (const binding of values.dim ?? []) {
    const match = /^(.+)=(\d+)$/.exec(binding);
    if (!match) throw new Error(`--dim expects NAME=VALUE with a positive integer value, got ${binding}`);
    dims[match[1]] = Number(match[2]);
  }
  const summary = await inspectModel(positionals[0], { dims });
  if (values.json) {
    const { format, inputs, outputs, opset, params, macs, ops, layers, ...rest } = summary;
    console.log(JSON.stringify({ format, inputs, outputs, opset, params, macs, ops, layers, ...rest }, null, 2));
  } else {
    console.log(formatSummary(summary));
  }
  return 0;
}
