// The settings form: every TrainSettings field as a VS Code-styled widget, read back into settings.
import type { AugmentationName } from '../../../runtime/train/types';
import { h } from '../../inspector/page/dom';
import { AUGMENTATION_LIMITS, AUGMENTATIONS, LOSSES, OPTIMIZERS, SCHEDULES, type TrainSettings, type TrainStrings } from '../protocol';

type Field = HTMLElement & { value: string; checked?: boolean };

/** The Labels choice ↔ TrainSettings.multiLabel: auto (absent) reads a folder with a labels.csv as multi-label. */
const LABELLING: Record<string, boolean | undefined> = { auto: undefined, single: false, multi: true };

const NUMBER_KEYS = ['epochs', 'batchSize', 'learningRate', 'momentum', 'weightDecay', 'stepSize', 'gamma', 'warmupEpochs', 'labelSmoothing', 'focalGamma', 'valSplit', 'seed', 'earlyStopping'] as const;
const CHOICES: Record<'optimizer' | 'schedule' | 'loss', readonly string[]> = { optimizer: OPTIMIZERS, schedule: SCHEDULES, loss: LOSSES };
const FLAGS = ['nesterov', 'newHead', 'freezeBatchNorm', 'oversample', 'balanced'] as const;

/** A field with its label, which the page's strings hold under the setting's key. */
function labelledField(key: keyof TrainStrings, input: HTMLElement, strings: TrainStrings): HTMLElement {
  return h('label', { class: 'field', for: `setting-${key}` }, h('span', {}, strings[key]), input);
}

/** Counts get a number field; fractional values a text field (a number field's step of 1 marks 0.001 invalid). */
const INTEGER_KEYS = new Set(['epochs', 'batchSize', 'stepSize', 'seed', 'earlyStopping']);

function textfield(key: string, value: string, type = INTEGER_KEYS.has(key) ? 'number' : 'text'): Field {
  return h('vscode-textfield', { id: `setting-${key}`, type, value, 'data-key': key, ...(type === 'text' ? { inputmode: 'decimal' } : {}) }) as Field;
}

/** A drop-down of `options`, each shown as its entry in `shown` where there is one, else as itself. */
function singleSelect(key: string, options: readonly string[], value: string, shown: Record<string, string> = {}): Field {
  const element = h('vscode-single-select', { id: `setting-${key}`, 'data-key': key }, ...options.map((option) => h('vscode-option', option === value ? { value: option, selected: true } : { value: option }, shown[option] ?? option))) as Field;
  element.value = value;
  return element;
}

function checkbox(key: string, checked: boolean, label: string): Field {
  return h('vscode-checkbox', checked ? { id: `setting-${key}`, 'data-key': key, checked: true, label } : { id: `setting-${key}`, 'data-key': key, label }) as Field;
}

export interface SettingsForm {
  element: HTMLElement;
  read(): TrainSettings;
  setDisabled(disabled: boolean): void;
}

/** Builds the form for `settings`; `onChange` runs on every edit. */
export function settingsForm(settings: TrainSettings, strings: TrainStrings, onChange: () => void): SettingsForm {
  const numbers = Object.fromEntries(NUMBER_KEYS.map((key) => [key, textfield(key, settings[key] === undefined ? '' : String(settings[key]))])) as Record<(typeof NUMBER_KEYS)[number], Field>;
  const selects = {
    optimizer: singleSelect('optimizer', CHOICES.optimizer, settings.optimizer ?? 'adam'),
    schedule: singleSelect('schedule', CHOICES.schedule, settings.schedule ?? 'constant'),
    loss: singleSelect('loss', CHOICES.loss, settings.loss ?? 'cross-entropy'),
  };
  const labelling = singleSelect('multiLabel', Object.keys(LABELLING), Object.keys(LABELLING).find((name) => LABELLING[name] === settings.multiLabel)!,
    { auto: strings.labellingAuto, single: strings.labellingSingle, multi: strings.labellingMulti });
  const flags = {
    nesterov: checkbox('nesterov', settings.nesterov ?? false, strings.nesterov),
    newHead: checkbox('newHead', settings.newHead ?? false, strings.newHead),
    freezeBatchNorm: checkbox('freezeBatchNorm', settings.freezeBatchNorm ?? false, strings.freezeBatchNorm),
    oversample: checkbox('oversample', settings.oversample ?? false, strings.oversample),
    balanced: checkbox('balanced', settings.classWeights === 'balanced', strings.balanced),
  };
  const freezeUntil = textfield('freezeUntil', settings.freezeUntil ?? '', 'text');
  freezeUntil.setAttribute('placeholder', strings.freezePlaceholder);
  const augmentRows = AUGMENTATIONS.map((name) => {
    const strength = settings.augment?.[name];
    const toggle = checkbox(`augment-${name}`, strength !== undefined, name);
    const value = textfield(`augment-${name}-strength`, String(strength ?? AUGMENTATION_LIMITS[name].default));
    value.setAttribute('title', AUGMENTATION_LIMITS[name].unit);
    return { name, toggle, value, row: h('div', { class: 'augment-row' }, toggle, value, h('span', { class: 'muted unit' }, AUGMENTATION_LIMITS[name].unit)) };
  });

  const labelled = (key: keyof TrainStrings, input: HTMLElement) => labelledField(key, input, strings);
  const element = h('div', { class: 'settings' },
    h('div', { class: 'form-grid' },
      labelled('epochs', numbers.epochs), labelled('batchSize', numbers.batchSize), labelled('learningRate', numbers.learningRate),
      labelled('optimizer', selects.optimizer), labelled('schedule', selects.schedule), labelled('valSplit', numbers.valSplit),
      labelled('seed', numbers.seed), labelled('earlyStopping', numbers.earlyStopping), labelled('multiLabel', labelling)),
    h('vscode-collapsible', { title: strings.moreSettings, class: 'details', id: 'more-settings' },
      h('div', { class: 'form-grid' },
        labelled('momentum', numbers.momentum), labelled('weightDecay', numbers.weightDecay), labelled('stepSize', numbers.stepSize),
        labelled('gamma', numbers.gamma), labelled('warmupEpochs', numbers.warmupEpochs), labelled('loss', selects.loss),
        labelled('labelSmoothing', numbers.labelSmoothing), labelled('focalGamma', numbers.focalGamma)),
      h('div', { class: 'flags' }, flags.nesterov, flags.balanced, flags.oversample)),
    h('vscode-collapsible', { title: strings.fineTuning, class: 'details', id: 'fine-tuning' },
      h('div', { class: 'form-grid' }, labelled('freezeUntil', freezeUntil)),
      h('div', { class: 'flags' }, flags.newHead, flags.freezeBatchNorm)),
    h('vscode-collapsible', { title: strings.augmentation, class: 'details', id: 'augmentation', open: Object.keys(settings.augment ?? {}).length > 0 },
      h('div', { class: 'augment-grid' }, ...augmentRows.map((entry) => entry.row)),
      h('div', { id: 'augment-preview-slot' })));

  element.addEventListener('change', onChange);
  element.addEventListener('input', onChange);

  const numberOf = (field: Field) => (field.value.trim() === '' ? undefined : Number(field.value));
  return {
    element,
    read(): TrainSettings {
      const read: Record<string, unknown> = {};
      for (const key of NUMBER_KEYS) read[key] = numberOf(numbers[key]);
      for (const key of Object.keys(selects) as (keyof typeof selects)[]) read[key] = selects[key].value;
      for (const key of FLAGS) if (key !== 'balanced') read[key] = flags[key].checked === true;
      if (flags.balanced.checked) read.classWeights = 'balanced';
      read.multiLabel = LABELLING[labelling.value];
      if (freezeUntil.value.trim()) read.freezeUntil = freezeUntil.value.trim();
      const augment: Partial<Record<AugmentationName, number>> = {};
      for (const entry of augmentRows) if (entry.toggle.checked) augment[entry.name] = Number(entry.value.value);
      read.augment = augment;
      return read as TrainSettings;
    },
    setDisabled(disabled: boolean): void {
      element.querySelectorAll('[data-key]').forEach((field) => field.toggleAttribute('disabled', disabled));
    },
  };
}

/** The augmentation preview grid goes under the augmentation settings. */
export function augmentPreviewSlot(form: SettingsForm): HTMLElement {
  return form.element.querySelector<HTMLElement>('#augment-preview-slot')!;
}
