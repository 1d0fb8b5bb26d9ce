import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../../random';

/** The image files a data folder may hold; anything else in it is ignored. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

export interface LabelledImage {
  file: string;
  /** The class index; for a multi-label sample its first class. */
  label: number;
  /** Multi-label data: every class of the image (sorted indices, possibly none). */
  labels?: number[];
}

export interface DatasetSplit {
  root: string;
  classes: string[];
  train: LabelledImage[];
  val: LabelledImage[];
  /** 'folders': the data had train/ and val/ subfolders; 'ratio': the validation share was drawn from each class. */
  layout: 'folders' | 'ratio';
  /** Whether an image may have several classes (samples carry `labels`). */
  multiLabel: boolean;
  /** Why the data is read as multi-label or not, for the user. */
  labelling: string;
}

export interface SplitOptions {
  /** Share of each class held out for validation when there are no train/ and val/ subfolders. */
  valSplit?: number;
  seed?: number;
  /**
   * Multi-label data: true reads class folders as multi-label (an image file name in several class folders is one
   * sample with all those classes); false reads them single-label and ignores a labels CSV; absent: multi-label
   * exactly when the folder has a labels CSV.
   */
  multiLabel?: boolean;
}

/** The labels file of a multi-label data folder: `file,label;label` lines, file paths relative to the folder. */
export const LABELS_CSV = 'labels.csv';

const VALIDATION_FOLDERS = ['val', 'valid', 'validation'];

function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

function subfolders(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

function imagesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isImageFile(entry.name))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

/** Class folder name → its image files, for a folder with one subfolder per class. */
function classFolders(dir: string): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const name of subfolders(dir)) classes.set(name, imagesIn(path.join(dir, name)));
  return classes;
}

function checkClasses(dir: string, classes: Map<string, string[]>): void {
  if (classes.size === 0) {
    const loose = imagesIn(dir).length;
    throw new Error(`${dir} has no class subfolders${loose > 0 ? ` (it holds ${loose} images directly; put each class's images in a subfolder named after the class)` : ''}`);
  }
  const total = [...classes.values()].reduce((sum, files) => sum + files.length, 0);
  if (total === 0) throw new Error(`${dir} has no images (${IMAGE_EXTENSIONS.join(', ')}) in its class subfolders ${[...classes.keys()].join(', ')}`);
  if (classes.size === 1) throw new Error(`${dir} has only one class (${[...classes.keys()][0]}); training a classifier needs at least two class subfolders`);
  const empty = [...classes.entries()].filter(([, files]) => files.length === 0).map(([name]) => path.join(dir, name));
  if (empty.length > 0) throw new Error(`class folder${empty.length > 1 ? 's' : ''} ${empty.join(', ')} ha${empty.length > 1 ? 've' : 's'} no images`);
}

/** Seeded Fisher-Yates shuffle, in place. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Multi-label samples from class folders: an image file name found in several class folders is one sample with all
 * those classes (its pixels read from the first folder's copy).
 */
function groupByFileName(found: Map<string, string[]>, classes: string[]): LabelledImage[] {
  const byName = new Map<string, LabelledImage>();
  for (const [name, files] of found) {
    const label = classes.indexOf(name);
    for (const file of files) {
      const sample = byName.get(path.basename(file));
      if (sample) sample.labels!.push(label);
      else byName.set(path.basename(file), { file, label, labels: [label] });
    }
  }
  return [...byName.values()].map((sample) => {
    const labels = sample.labels!.sort((a, b) => a - b);
    return { file: sample.file, label: labels[0], labels };
  });
}

const CSV_HEADERS = ['file', 'filename', 'image', 'path'];

/** Reads `labels.csv`: one `file,label;label;…` line per image (a first line `file,labels` is a header). */
function readLabelsCsv(root: string): { classes: string[]; samples: LabelledImage[] } {
  const csv = path.join(root, LABELS_CSV);
  const rows: { file: string; names: string[] }[] = [];
  const seen = new Set<string>();
  fs.readFileSync(csv, 'utf8').split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const comma = line.indexOf(',');
    const name = (comma < 0 ? line : line.slice(0, comma)).trim();
    if (index === 0 && CSV_HEADERS.includes(name.toLowerCase())) return;
    const where = `${csv} line ${index + 1}`;
    if (comma < 0) throw new Error(`${where}: expected "file,label;label", got "${line.slice(0, 80)}"`);
    const file = path.resolve(root, name);
    if (!isImageFile(file)) throw new Error(`${where}: ${name} is not an image (${IMAGE_EXTENSIONS.join(', ')})`);
    if (!fs.existsSync(file)) throw new Error(`${where}: image ${name} does not exist (${file})`);
    if (seen.has(file)) throw new Error(`${where}: ${name} is listed twice`);
    seen.add(file);
    rows.push({ file, names: [...new Set(line.slice(comma + 1).split(';').map((label) => label.trim()).filter(Boolean))] });
  });
  const classes = [...new Set(rows.flatMap((row) => row.names))].sort();
  if (rows.length === 0) throw new Error(`${csv} lists no images`);
  if (classes.length < 2) throw new Error(`${csv} names ${classes.length === 0 ? 'no labels' : `only one label (${classes[0]})`}; training a classifier needs at least two`);
  const samples = rows.map(({ file, names }) => {
    const labels = names.map((label) => classes.indexOf(label)).sort((a, b) => a - b);
    return { file, label: labels[0] ?? 0, labels };
  });
  return { classes, samples };
}

function byFile(a: LabelledImage, b: LabelledImage): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** A seeded share of multi-label samples held out for validation (at least one each side when the share is not 0). */
function splitSamples(samples: LabelledImage[], valSplit: number, random: () => number): { train: LabelledImage[]; val: LabelledImage[] } {
  const shuffled = shuffleInPlace([...samples], random);
  const held = valSplit === 0 ? 0 : Math.min(shuffled.length - 1, Math.max(1, Math.round(shuffled.length * valSplit)));
  return { train: shuffled.slice(held).sort(byFile), val: shuffled.slice(0, held).sort(byFile) };
}

/**
 * Reads a data folder: either train/ and val/ (or valid/, validation/) subfolders, each with one subfolder per class,
 * or one subfolder per class split by `valSplit` within each class (stratified, seeded); or, multi-label, a labels CSV
 * or class folders sharing file names (see SplitOptions.multiLabel), split by `valSplit` over images. Errors name the folder.
 */
export function splitDataset(root: string, options: SplitOptions = {}): DatasetSplit {
  if (!fs.existsSync(root)) throw new Error(`data folder ${root} does not exist`);
  if (!fs.statSync(root).isDirectory()) throw new Error(`data folder ${root} is not a folder`);
  const valSplit = options.valSplit ?? 0.1;
  const random = seededRandom(options.seed ?? 0);
  const hasCsv = fs.existsSync(path.join(root, LABELS_CSV));
  if (hasCsv && options.multiLabel !== false) {
    if (!(valSplit >= 0 && valSplit < 1)) throw new Error(`the validation split must be in [0, 1), got ${valSplit}`);
    const { classes, samples } = readLabelsCsv(root);
    return { root, classes, ...splitSamples(samples, valSplit, random), layout: 'ratio', multiLabel: true, labelling: `multi-label, from ${LABELS_CSV}` };
  }
  const multiLabel = options.multiLabel === true;
  const labelling = multiLabel
    ? 'multi-label, from class folders (an image file name in several class folders has all those classes)'
    : `single-label, one class folder per image${hasCsv ? ` (${LABELS_CSV} ignored)` : ''}`;
  const top = subfolders(root);
  const valName = VALIDATION_FOLDERS.find((name) => top.includes(name));
  if (top.includes('train') && valName) {
    const trainDir = path.join(root, 'train');
    const valDir = path.join(root, valName);
    const trainClasses = classFolders(trainDir);
    checkClasses(trainDir, trainClasses);
    const classes = [...trainClasses.keys()];
    const valClasses = classFolders(valDir);
    const unknown = [...valClasses.keys()].filter((name) => !trainClasses.has(name));
    if (unknown.length > 0) throw new Error(`${valDir} has classes that ${trainDir} lacks: ${unknown.join(', ')}`);
    const label = (files: Map<string, string[]>) => (multiLabel
      ? groupByFileName(files, classes).sort(byFile)
      : [...files.entries()].flatMap(([name, list]) => list.map((file) => ({ file, label: classes.indexOf(name) }))));
    return { root, classes, train: label(trainClasses), val: label(valClasses), layout: 'folders', multiLabel, labelling };
  }

  if (!(valSplit >= 0 && valSplit < 1)) throw new Error(`the validation split must be in [0, 1), got ${valSplit}`);
  const found = classFolders(root);
  checkClasses(root, found);
  const classes = [...found.keys()];
  if (multiLabel) return { root, classes, ...splitSamples(groupByFileName(found, classes), valSplit, random), layout: 'ratio', multiLabel, labelling };
  const train: LabelledImage[] = [];
  const val: LabelledImage[] = [];
  classes.forEach((name, label) => {
    const files = shuffleInPlace([...found.get(name)!], random);
    const held = valSplit === 0 ? 0 : Math.min(files.length - 1, Math.max(1, Math.round(files.length * valSplit)));
    files.forEach((file, index) => (index < held ? val : train).push({ file, label }));
  });
  return { root, classes, train: train.sort(byFile), val: val.sort(byFile), layout: 'ratio', multiLabel, labelling };
}
