// The preprocessing fields (preset, size, range, mean, std, channels, layout, resize) that the Preview and the
// Quantize panels both show, so a model is fed the same way in both.
import { isPresetName, PRESETS } from '../../../runtime/images/presets';
import type { Preprocessing } from '../../../runtime/images/types';
import { h } from '../../inspector/page/dom';
import { formatString, type PreprocessingFormStrings } from '../strings';

export function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

export function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const element = h('select', id ? { id } : {});
  for (const [optionValue, text] of options) element.append(h('option', optionValue === value ? { value: optionValue, selected: true } : { value: optionValue }, text));
  return element;
}

/** "224×224 RGB NCHW, range 0-1, mean …": the one-line summary shown above the fields. */
export function describePreprocessing(pre: Preprocessing, strings: PreprocessingFormStrings): string {
  const described = formatString(strings.preprocessingSummary, pre.size.join('×'), pre.channels.toUpperCase(), pre.layout.toUpperCase(), pre.range, pre.mean.join('/'), pre.std.join('/'), pre.resize);
  return pre.preset ? `${described} (${pre.preset})` : described;
}

/** The fields, filled with `pre`; read() gives the values as they are now (choosing a preset fills its values in). */
export function preprocessingFields(pre: Preprocessing, strings: PreprocessingFormStrings): { element: HTMLElement; read(): Partial<Preprocessing> } {
  const numbers = (text: string) => text.split(',').map((part) => Number(part.trim()));
  const presetOptions: [string, string][] = [['', strings.custom], ...Object.entries(PRESETS).map(([name, { label }]): [string, string] => [name, label])];
  const preset = select('pre-preset', presetOptions, pre.preset ?? '');
  const size = h('input', { id: 'pre-size', value: pre.size.join(',') });
  const range = select('pre-range', [['0-1', '0-1'], ['0-255', '0-255'], ['-1-1', '-1-1']], pre.range);
  const mean = h('input', { id: 'pre-mean', value: pre.mean.join(',') });
  const std = h('input', { id: 'pre-std', value: pre.std.join(',') });
  const channels = select('pre-channels', [['rgb', 'RGB'], ['bgr', 'BGR'], ['gray', strings.grayscale]], pre.channels);
  const layout = select('pre-layout', [['nchw', 'NCHW'], ['nhwc', 'NHWC']], pre.layout);
  const resize = select('pre-resize', [['stretch', strings.stretch], ['center-crop', strings.centerCrop], ['letterbox', strings.letterbox]], pre.resize);
  preset.addEventListener('change', () => {
    if (!isPresetName(preset.value)) return;
    const { values } = PRESETS[preset.value];
    range.value = values.range;
    mean.value = values.mean.join(',');
    std.value = values.std.join(',');
    if (values.size) size.value = values.size.join(',');
    if (values.channels) channels.value = values.channels;
  });
  return {
    element: h('div', { class: 'form' }, field(strings.preset, preset), field(strings.size, size), field(strings.range, range), field(strings.mean, mean), field(strings.std, std),
      field(strings.channels, channels), field(strings.layout, layout), field(strings.resize, resize)),
    read() {
      const [height, width] = numbers(size.value);
      return {
        size: [height, width ?? height], range: range.value as Preprocessing['range'], mean: numbers(mean.value), std: numbers(std.value),
        channels: channels.value as Preprocessing['channels'], layout: layout.value as Preprocessing['layout'], resize: resize.value as Preprocessing['resize'],
      };
    },
  };
}
