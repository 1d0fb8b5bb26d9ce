import * as fs from 'node:fs';
import * as path from 'node:path';

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|bmp|tiff?)$/i;

export interface FolderImage {
  file: string;
  /** The class subfolder the image is in; undefined for images directly in the folder. */
  label?: string;
}

/**
 * Images of a folder, flat or one subfolder per class (one level deep), sorted by class then name so runs repeat.
 * Throws a message naming the folder when it is missing or holds no image.
 */
export function listFolderImages(folder: string): FolderImage[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw new Error(`${folder}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const byName = (a: fs.Dirent, b: fs.Dirent) => a.name.localeCompare(b.name);
  const images: FolderImage[] = entries.filter((e) => e.isFile() && IMAGE_EXTENSIONS.test(e.name)).sort(byName).map((e) => ({ file: path.join(folder, e.name) }));
  for (const sub of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort(byName)) {
    const classDir = path.join(folder, sub.name);
    for (const entry of fs.readdirSync(classDir, { withFileTypes: true }).filter((e) => e.isFile() && IMAGE_EXTENSIONS.test(e.name)).sort(byName)) {
      images.push({ file: path.join(classDir, entry.name), label: sub.name });
    }
  }
  if (images.length === 0) throw new Error(`${folder}: no images (PNG, JPEG, WebP, GIF, BMP, TIFF) in the folder or its class subfolders`);
  return images;
}
