import type { ChannelOrder, Layout, Preprocessing, ResizeMode, ValueRange } from './types';
import { applyPreset, isPresetName, PRESETS } from './presets';

/** The preprocessing flags shared by the `predict` and `explain` verbs, for node:util parseArgs. */
export const PREPROCESSING_FLAGS = {
  size: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  range: { type: 'string' },
  channels: { type: 'string' },
  layout: { type: 'string' },
  resize: { type: 'string' },
  preset: { type: 'string' },
} as const;

export const PREPROCESSING_USAGE = '[--size H,W] [--mean a,b,c] [--std a,b,c] [--range 0-1|0-255|-1-1] [--channels rgb|bgr|gray] [--layout nchw|nhwc] [--resize stretch|center-crop|letterbox] [--preset ' + Object.keys(PRESETS).join('|') + ']';

function numbers(flag: string, text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value))) throw new Error(`--${flag} expects comma-separated numbers, got "${text}"`);
  return values;
}

export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

/** Turns the flags into preprocessing overrides; a preset is applied first, then the individual flags. */
export function preprocessingOverrides(values: Partial<Record<keyof typeof PREPROCESSING_FLAGS, string>>): Partial<Preprocessing> {
  let overrides: Partial<Preprocessing> = {};
  if (values.preset !== undefined) {
    if (!isPresetName(values.preset)) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
    overrides = applyPreset({} as Preprocessing, values.preset);
  }
  if (values.size !== undefined) {
    const size = numbers('size', values.size);
    if (size.length === 1) size.push(size[0]);
    if (size.length !== 2 || size.some((dim) => !Number.isInteger(dim) || dim <= 0)) throw new Error('--size expects H,W');
    overrides.size = [size[0], size[1]];
  }
  if (values.mean !== undefined) overrides.mean = numbers('mean', values.mean);
  if (values.std !== undefined) overrides.std = numbers('std', values.std);
  if (values.range !== undefined) overrides.range = oneOf<ValueRange>('range', values.range, ['0-1', '0-255', '-1-1']);
  if (values.channels !== undefined) overrides.channels = oneOf<ChannelOrder>('channels', values.channels, ['rgb', 'bgr', 'gray']);
  if (values.layout !== undefined) overrides.layout = oneOf<Layout>('layout', values.layout, ['nchw', 'nhwc']);
  if (values.resize !== undefined) overrides.resize = oneOf<ResizeMode>('resize', values.resize, ['stretch', 'center-crop', 'letterbox']);
  if (overrides.range && values.mean === undefined && values.preset === undefined) overrides.mean = [0];
  if (overrides.range && values.std === undefined && values.preset === undefined) overrides.std = [1];
  return overrides;
}
