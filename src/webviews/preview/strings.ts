import { preprocessingFormStrings } from '../shared/preprocessing-strings';
import { KEEP_PLACEHOLDERS as KEEP, type Localizer } from '../shared/strings';
import type { PreviewStrings } from './protocol';

/** The Preview and Explain page's text, translated by `l10n` (vscode.l10n on the host; see shared/strings.ts). */
export function previewStrings(l10n: Localizer): PreviewStrings {
  return {
    ...preprocessingFormStrings(l10n),
    explanations: l10n.t('Explanations'),
    noModel: l10n.t('No model chosen'),
    oneImage: l10n.t('1 image'),
    images: l10n.t('{0} images', ...KEEP),
    pickModel: l10n.t('Model…'),
    addImages: l10n.t('Images…'),
    pickLabels: l10n.t('Labels…'),
    runAgain: l10n.t('Run again'),
    apply: l10n.t('Apply'),
    preprocessing: l10n.t('Preprocessing: {0}', ...KEEP),
    chosenBy: l10n.t('Chosen by: {0}', ...KEEP),
    settingsSource: l10n.t('settings'),
    remember: l10n.t('Remember for this model (<model>.cnnstudio.json)'),
    classIndex: l10n.t('class {0}', ...KEEP),
    noSoftmax: l10n.t('output already a distribution (no softmax)'),
    tensorSummary: l10n.t('{0} [{1}] min {2} max {3} mean {4}; top {5}', ...KEEP),
    methodTitle: l10n.t('Attribution method'),
    classPlaceholder: l10n.t('class: top'),
    classTitle: l10n.t('Class to explain: an index or a label (default: the top prediction)'),
    layerPlaceholder: l10n.t('layer: auto'),
    layerTitle: l10n.t('Target layer (default: the last layer with spatial extent)'),
    explain: l10n.t('Explain'),
    removeImage: l10n.t('Remove this image'),
    noMethods: l10n.t('No attribution method runs on this model yet (TensorFlow.js graph model).'),
    tfjsBackend: l10n.t('{0} backend', ...KEEP),
    executionProvider: l10n.t('{0} execution provider', ...KEEP),
    inputStatus: l10n.t('input {0} {1} [{2}]', ...KEEP),
    labelsStatus: l10n.t('labels {0}', ...KEEP),
    doneIn: l10n.t('{0} done in {1}', ...KEEP),
    explainsObjective: l10n.t('explains {0}', ...KEEP),
    explanationDetails: l10n.t('{0} · score {1} · p {2}% · {3} · map {4}', ...KEEP),
    layerDetail: l10n.t('layer {0} [{1}]', ...KEEP),
    inputGradients: l10n.t('input gradients'),
    opacity: l10n.t('Opacity'),
    colormap: l10n.t('Colormap'),
    exportPng: l10n.t('Export PNG'),
    remove: l10n.t('Remove'),
    addImagesHint: l10n.t('Add images (or drop them here with Shift) to see what the model outputs.'),
    chooseModel: l10n.t('Choose a model to preview.'),
  };
}
