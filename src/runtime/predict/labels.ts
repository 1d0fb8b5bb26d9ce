import * as fs from 'node:fs';
import * as path from 'node:path';

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
