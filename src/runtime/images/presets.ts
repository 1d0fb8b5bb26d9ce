import type { Preprocessing } from './types';

export type PresetName = 'imagenet' | 'unit' | 'symmetric' | 'raw' | 'grayscale-28';

type PresetValues = Pick<Preprocessing, 'range' | 'mean' | 'std'> & Partial<Pick<Preprocessing, 'size' | 'channels'>>;

/** Preprocessing presets; size/layout come from the model unless the preset fixes them. */
export const PRESETS: Record<PresetName, { label: string; values: PresetValues }> = {
  imagenet: { label: 'ImageNet (0-1, mean/std)', values: { range: '0-1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } },
  unit: { label: '[0, 1]', values: { range: '0-1', mean: [0], std: [1] } },
  symmetric: { label: '[-1, 1]', values: { range: '-1-1', mean: [0], std: [1] } },
  raw: { label: 'raw 0-255', values: { range: '0-255', mean: [0], std: [1] } },
  'grayscale-28': { label: 'grayscale 28×28 (0-1)', values: { range: '0-1', mean: [0], std: [1], size: [28, 28], channels: 'gray' } },
};

export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, name);
}

/** Applies a preset's values over a preprocessing (keeping size, layout and channel order unless the preset fixes them). */
export function applyPreset(base: Preprocessing, name: PresetName): Preprocessing {
  const { values } = PRESETS[name];
  return { ...base, ...values, mean: [...values.mean], std: [...values.std], preset: name };
}

/** The preset whose range, mean and std equal these, if any. */
export function matchingPreset(pre: Preprocessing): PresetName | undefined {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);
  for (const [name, { values }] of Object.entries(PRESETS) as [PresetName, { values: PresetValues }][]) {
    if (values.channels && values.channels !== pre.channels) continue;
    if (values.size && (values.size[0] !== pre.size[0] || values.size[1] !== pre.size[1])) continue;
    if (values.range === pre.range && same(values.mean, pre.mean) && same(values.std, pre.std)) return name;
  }
  return undefined;
}
