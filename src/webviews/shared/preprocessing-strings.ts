import { KEEP_PLACEHOLDERS as KEEP, type Localizer, type PreprocessingFormStrings } from './strings';

/** The preprocessing form's text, translated by `l10n` (vscode.l10n on the host; see shared/strings.ts). */
export function preprocessingFormStrings(l10n: Localizer): PreprocessingFormStrings {
  return {
    preprocessingSummary: l10n.t('{0} {1} {2}, range {3}, mean {4}, std {5}, {6}', ...KEEP),
    preset: l10n.t('Preset'),
    size: l10n.t('Size H,W'),
    range: l10n.t('Range'),
    mean: l10n.t('Mean'),
    std: l10n.t('Std'),
    channels: l10n.t('Channels'),
    layout: l10n.t('Layout'),
    resize: l10n.t('Resize'),
    custom: l10n.t('custom'),
    grayscale: l10n.t('grayscale'),
    stretch: l10n.t('stretch'),
    centerCrop: l10n.t('center crop'),
    letterbox: l10n.t('letterbox'),
  };
}
