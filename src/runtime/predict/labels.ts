import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSettings } from '../images/sidecar';

/**
 * Reads a labels file: one label a line, either `name` (index = line number) or `index,name` / `index name`
 * (as in imagenet-labels.txt or synset files). Blank lines are skipped.
 */
export function readLabels(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const indexed = lines.every((line) => /^\s*\d+\s*[,:\s]\s*\S/.test(line));
  if (!indexed) return lines.map((line) => line.trim());
  const labels: string[] = [];
  for (const line of lines) {
    const match = /^\s*(\d+)\s*[,:\s]\s*(.*)$/.exec(line)!;
    labels[Number(match[1])] = match[2].trim();
  }
  return Array.from(labels, (label, index) => label ?? String(index));
}

/**
 * Looks next to the model for a labels file with exactly `classCount` labels: `<model>.labels.txt`, `<model stem>.txt`,
 * `labels.txt`, `synset.txt`, `classes.txt`, then any other `*label*`/`*class*`/`*synset*` .txt file in the folder.
 */
export function findLabelsFile(modelFile: string, classCount: number): string | undefined {
  const folder = path.dirname(modelFile);
  const stem = path.basename(modelFile).replace(/\.[^.]+$/, '');
  const preferred = [`${path.basename(modelFile)}.labels.txt`, `${stem}.labels.txt`, `${stem}.txt`, 'labels.txt', 'synset.txt', 'classes.txt'];
  let others: string[] = [];
  try {
    others = fs.readdirSync(folder).filter((name) => /\.txt$/i.test(name) && /label|class|synset/i.test(name) && !preferred.includes(name)).sort();
  } catch {
    return undefined;
  }
  for (const name of [...preferred, ...others]) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) continue;
    try {
      if (readLabels(file).length === classCount) return file;
    } catch {
      // unreadable candidates are skipped
    }
  }
  return undefined;
}

/**
 * The class a user names: its index as digits, or a label: exact (case-insensitive), else the one label listing it as
 * a comma-separated synonym ("tabby" in "tabby, tabby cat"), else the one label containing it.
 */
export function classIndexByName(labels: readonly string[], text: string): number {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const lower = labels.map((label) => label.toLowerCase());
  const wanted = text.trim().toLowerCase();
  const exact = lower.indexOf(wanted);
  if (exact >= 0) return exact;
  const synonym = lower.flatMap((label, index) => (label.split(/,\s*/).includes(wanted) ? [index] : []));
  if (synonym.length === 1) return synonym[0];
  const partial = lower.flatMap((label, index) => (label.includes(wanted) ? [index] : []));
  if (partial.length !== 1) throw new Error(`class "${text}" matches ${partial.length} labels`);
  return partial[0];
}

/**
 * The model metadata entry (ONNX metadata_props, tfjs userDefinedMetadata) naming a trained model's classes: a JSON
 * array of strings, one per output class, in output order (the trainer writes the data's class folder names).
 */
export const CLASS_NAMES_METADATA_KEY = 'cnnStudio.classNames';

/** The metadata entry that records `names` (see CLASS_NAMES_METADATA_KEY). */
export function classNamesMetadata(names: readonly string[]): { key: string; value: string } {
  return { key: CLASS_NAMES_METADATA_KEY, value: JSON.stringify(names) };
}

/** The class names a model's metadata embeds, or undefined (absent, or not a JSON array of strings). */
export function embeddedClassNames(metadata: Record<string, string> | undefined): string[] | undefined {
  const text = metadata?.[CLASS_NAMES_METADATA_KEY];
  if (text === undefined) return undefined;
  try {
    const names = JSON.parse(text) as unknown;
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Where a model's labels came from: a file given (CLI flag, request), the model's settings file, the model's own metadata, or a file found next to it. */
export type LabelSource = 'given' | 'settings' | 'model' | 'nearby';

export interface ModelLabels {
  /** One name per class, or null when nothing names the classes. */
  labels: string[] | null;
  /** The labels file, or the model file itself when the names are embedded in it; null when none. */
  file: string | null;
  source: LabelSource | null;
  /** Labels that were there but not used, each with why (a count that does not match the output's classes). */
  ignored: string[];
}

/**
 * The one rule for which labels name a model's classes: the file given (CLI flag), else the one remembered in the
 * model's settings file (`<model>.cnnstudio.json`, chosen in the Preview panel), else the class names embedded in the
 * model's metadata (a model this extension trained), else a file found next to the model with `classCount` labels.
 * A given or remembered file, or embedded names, with a count other than `classCount` are skipped with the reason.
 * `metadata`: the model's metadata (ONNX metadata_props, tfjs userDefinedMetadata).
 */
export function resolveLabels(modelFile: string, classCount: number | undefined, options: { given?: string; metadata?: Record<string, string> } = {}): ModelLabels {
  const ignored: string[] = [];
  const fits = (labels: string[], what: string): boolean => {
    if (classCount === undefined || labels.length === classCount) return true;
    ignored.push(`${what} names ${labels.length} classes, the output has ${classCount}`);
    return false;
  };
  const fromFile = (file: string, source: LabelSource, what: string): ModelLabels | undefined => {
    if (!fs.existsSync(file)) throw new Error(`labels file ${file} (${what}) does not exist`);
    const labels = readLabels(file);
    return fits(labels, `${what} ${file}`) ? { labels, file, source, ignored } : undefined;
  };
  const given = options.given && fromFile(options.given, 'given', 'the labels file given');
  if (given) return given;
  const remembered = readSettings(modelFile).labels;
  const settings = remembered && fromFile(path.resolve(path.dirname(modelFile), remembered), 'settings', "the model's settings file's labels file");
  if (settings) return settings;
  const embedded = embeddedClassNames(options.metadata);
  if (embedded && fits(embedded, `the model's metadata ${CLASS_NAMES_METADATA_KEY}`)) return { labels: embedded, file: modelFile, source: 'model', ignored };
  const nearby = classCount === undefined ? undefined : findLabelsFile(modelFile, classCount);
  return nearby ? { labels: readLabels(nearby), file: nearby, source: 'nearby', ignored } : { labels: null, file: null, source: null, ignored };
}

/** A class the user names by index, or by one of the model's labels (see resolveLabels, classIndexByName). */
export function resolveClass(text: string, labels: ModelLabels, classCount?: number): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (!labels.labels) {
    const why = labels.ignored.length ? ` (${labels.ignored.join('; ')})` : '';
    throw new Error(`class "${trimmed}": the model embeds no class names and no labels file with ${classCount ?? "the output's"} labels lies next to it${why}; give one`);
  }
  return classIndexByName(labels.labels, trimmed);
}
