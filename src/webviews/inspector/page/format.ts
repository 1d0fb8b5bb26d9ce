import type { Shape } from '../../../runtime/inspect/types';

/** 1234567 → "1.23 M": counts of parameters and MACs. */
export function formatCount(value: number | null): string {
  if (value === null) return '?';
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) {
    if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(3)} ${unit}`;
  }
  return String(value);
}

export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${(bytes / scale).toPrecision(3)} ${unit}`;
  }
  return `${bytes} B`;
}

/** [batch, 3, 224, 224] with symbolic dims by name and unknown dims as '?'; an unknown shape is '?'. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  return `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;
}

/** Groups digits for the exact numbers in tables: 1234567 → "1,234,567"; an unknown count is '?'. */
export function formatExact(value: number | null): string {
  return value === null ? '?' : value.toLocaleString('en-US');
}

/** Attributes whose values are sizes per spatial axis, shown as 3×3. */
const PER_AXIS_ATTRIBUTES = new Set(['kernel_shape', 'strides', 'dilations', 'output_shape', 'output_padding']);

/** One attribute value as a compact string: `3×3` for per-axis sizes, `0,0,0,0` for other lists. */
export function formatAttribute(name: string, value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item === 'number' || typeof item === 'string')) {
    return value.join(PER_AXIS_ATTRIBUTES.has(name) ? '×' : ',');
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
