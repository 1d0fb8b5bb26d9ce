import { seededRandom } from '../random';
import { Augmenter } from './data/augment';
import { shuffleInPlace, splitDataset } from './data/folder';
import { loadImages } from './data/images';
import { renderAugmentationPreview } from './data/preview';
import { TRAIN_DEFAULTS, trainingPreprocessing } from './trainer';
import type { TrainConfig } from './types';

export const PREVIEW_SAMPLES = 16;

/**
 * The Train panel's preview grid: a few training images of the run's data, preprocessed as the run will and
 * augmented with its settings, as one PNG (base64). Only the images shown are decoded.
 */
export async function augmentationPreview(config: Pick<TrainConfig, 'model' | 'data' | 'augment' | 'valSplit' | 'seed' | 'preprocessing' | 'multiLabel'>): Promise<{ png: string; preprocessing: string }> {
  const seed = config.seed ?? TRAIN_DEFAULTS.seed;
  const split = splitDataset(config.data, { valSplit: config.valSplit ?? TRAIN_DEFAULTS.valSplit, seed, multiLabel: config.multiLabel });
  const preprocessing = await trainingPreprocessing({ ...config, out: '' }, split);
  const shown = shuffleInPlace([...split.train], seededRandom(seed)).slice(0, PREVIEW_SAMPLES);
  const { set } = await loadImages(shown, preprocessing);
  const augmenter = new Augmenter(config.augment ?? {}, set.shape, preprocessing);
  const png = await renderAugmentationPreview(set, augmenter, preprocessing, { count: Math.min(PREVIEW_SAMPLES, set.files.length), seed });
  return { png: png.toString('base64'), preprocessing: preprocessing.source ?? '' };
}
