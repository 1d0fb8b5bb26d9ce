import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../../random';

/** The image files a data folder may hold; anything else in it is ignored. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

export interface LabelledImage {
  file: string;
  label: number;
}

export interface DatasetSplit {
  root: string;
  classes: string[];
  train: LabelledImage[];
  val: LabelledImage[];
  /** 'folders': the data had train/ and val/ subfolders; 'ratio': the validation share was drawn from each class. */
  layout: 'folders' | 'ratio';
}

export interface SplitOptions {
  /** Share of each class held out for validation when there are no train/ and val/ subfolders. */
  valSplit?: number;
  seed?: number;
}

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
 * Reads a data folder: either train/ and val/ (or valid/, validation/) subfolders, each with one subfolder per class,
 * or one subfolder per class split by `valSplit` within each class (stratified, seeded). Errors name the folder.
 */
export function splitDataset(root: string, options: SplitOptions = {}): DatasetSplit {
  if (!fs.existsSync(root)) throw new Error(`data folder ${root} does not exist`);
  if (!fs.statSync(root).isDirectory()) throw new Error(`data folder ${root} is not a folder`);
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
    const label = (files: Map<string, string[]>) => [...files.entries()].flatMap(([name, list]) => list.map((file) => ({ file, label: classes.indexOf(name) })));
    return { root, classes, train: label(trainClasses), val: label(valClasses), layout: 'folders' };
  }

  const valSplit = options.valSplit ?? 0.1;
  if (!(valSplit >= 0 && valSplit < 1)) throw new Error(`the validation split must be in [0, 1), got ${valSplit}`);
  const found = classFolders(root);
  checkClasses(root, found);
  const classes = [...found.keys()];
  const random = seededRandom(options.seed ?? 0);
  const train: LabelledImage[] = [];
  const val: LabelledImage[] = [];
  classes.forEach((name, label) => {
    const files = shuffleInPlace([...found.get(name)!], random);
    const held = valSplit === 0 ? 0 : Math.min(files.length - 1, Math.max(1, Math.round(files.length * valSplit)));
    files.forEach((file, index) => (index < held ? val : train).push({ file, label }));
  });
  const byFile = (a: LabelledImage, b: LabelledImage) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  return { root, classes, train: train.sort(byFile), val: val.sort(byFile), layout: 'ratio' };
}
