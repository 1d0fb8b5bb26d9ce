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
 * The one rule for which labels file names a model's classes: the file given (CLI flag), else the one remembered in
 * the model's settings file (`<model>.cnnstudio.json`, chosen in the Preview panel), else one found next to the model
 * with `classCount` labels; null when none.
 */
export function resolveLabelsFile(modelFile: string, classCount: number | undefined, given?: string): string | null {
  if (given) return given;
  const remembered = readSettings(modelFile).labels;
  if (remembered) return path.resolve(path.dirname(modelFile), remembered);
  return classCount === undefined ? null : findLabelsFile(modelFile, classCount) ?? null;
}

/** A class the user names by index, or by a label of `labelsFile` (see classIndexByName). */
export function resolveClass(text: string, labelsFile: string | null, classCount?: number): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (!labelsFile) throw new Error(`class "${trimmed}": no labels file with ${classCount ?? "the output's"} labels next to the model; give one`);
  return classIndexByName(readLabels(labelsFile), trimmed);
}
