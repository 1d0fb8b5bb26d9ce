import { guessPreprocessing } from './guess';
import type { ModelInputFacts } from './model-input';
import { matchingPreset } from './presets';
import { readSettings } from './sidecar';
import type { Preprocessing } from './types';

/**
 * The preprocessing to use for a model: the guess from its input, then the settings remembered in its sidecar file,
 * then explicit overrides (CLI flags, panel edits), each overriding the previous field by field.
 */
export function resolvePreprocessing(modelFile: string, facts: ModelInputFacts, overrides: Partial<Preprocessing> = {}): Preprocessing {
  const guessed = guessPreprocessing(facts);
  const remembered = readSettings(modelFile).preprocessing ?? {};
  const sources = [guessed.source];
  if (Object.keys(remembered).length > 0) sources.push(`settings file (${Object.keys(remembered).join(', ')})`);
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<Preprocessing>;
  if (Object.keys(given).length > 0) sources.push(`overrides (${Object.keys(given).join(', ')})`);
  const merged: Preprocessing = { ...guessed, ...remembered, ...given };
  return { ...merged, preset: matchingPreset(merged), source: sources.join('; ') };
}
