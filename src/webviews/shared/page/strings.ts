import { parsePageStrings, type PageStrings } from '../strings';

/** The page's strings table, which the host rendered into the #app element (see shared/strings.ts). */
export function readPageStrings<K extends string>(keys: readonly K[]): PageStrings<K> {
  let table: unknown;
  try {
    table = JSON.parse(document.getElementById('app')?.dataset.strings ?? '');
  } catch {
    table = undefined;
  }
  const strings = parsePageStrings(table, keys);
  if (!strings) throw new Error(`the page's strings table is missing or lacks one of: ${keys.join(', ')}`);
  return strings;
}
