import * as path from 'node:path';
import type { FolderChoice } from './protocol';

/**
 * The folders a calibration or evaluation set can come from, given the image files of a workspace: every folder
 * that holds images, and every folder whose subfolders hold images (one subfolder per class: a labelled set).
 * Labelled sets come first, then the larger ones.
 */
export function imageFolderChoices(imageFiles: readonly string[]): FolderChoice[] {
  const perFolder = new Map<string, number>();
  for (const file of imageFiles) {
    const folder = path.dirname(file);
    perFolder.set(folder, (perFolder.get(folder) ?? 0) + 1);
  }
  const classFolders = new Map<string, { images: number; classes: number }>();
  for (const [folder, images] of perFolder) {
    const parent = path.dirname(folder);
    if (parent === folder) continue;
    const entry = classFolders.get(parent) ?? { images: 0, classes: 0 };
    classFolders.set(parent, { images: entry.images + images, classes: entry.classes + 1 });
  }
  const choices: FolderChoice[] = [...perFolder].map(([folder, images]) => ({ folder, images, classes: 0 }));
  for (const [folder, { images, classes }] of classFolders) {
    if (classes >= 2) choices.push({ folder, images: images + (perFolder.get(folder) ?? 0), classes });
  }
  return choices.sort((a, b) => Number(b.classes > 0) - Number(a.classes > 0) || b.images - a.images || a.folder.localeCompare(b.folder));
}
