// A panel page's text. The page runs in the webview, where vscode.l10n is not available: the host translates each
// string with vscode.l10n.t (each panel's strings.ts) and renders the table into the page's HTML (panelHtml), where
// the page reads it (shared/page/strings.ts) after checking it against the keys its protocol.ts lists.

export type PageStrings<K extends string> = Readonly<Record<K, string>>;

/** Formats a message with {0} placeholders: vscode.l10n on the host, ENGLISH where VS Code is not (unit tests). */
export interface Localizer {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** {0}, {1}… replaced by the values, as vscode.l10n.t does; a placeholder without a value stays. */
export function formatString(template: string, ...args: Array<string | number | boolean>): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match));
}

/** The messages as written, in English. */
export const ENGLISH: Localizer = { t: formatString };

/**
 * The arguments that keep a page string's placeholders for the page to fill: `vscode.l10n.t('{0} images',
 * ...KEEP_PLACEHOLDERS)` is the translated template, and the page calls formatString on it.
 */
export const KEEP_PLACEHOLDERS = Array.from({ length: 8 }, (_, index) => `{${index}}`);

/** The strings table when `value` has a string for each of `keys`; undefined otherwise. */
export function parsePageStrings<K extends string>(value: unknown, keys: readonly K[]): PageStrings<K> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const table = value as Record<string, unknown>;
  if (!keys.every((key) => typeof table[key] === 'string')) return undefined;
  return Object.fromEntries(keys.map((key) => [key, table[key] as string])) as Record<K, string>;
}

/** The preprocessing form's text (shared/page/preprocessing-form.ts), part of the Preview and Quantize pages' tables. */
export const PREPROCESSING_FORM_STRINGS = [
  'preprocessingSummary', 'preset', 'size', 'range', 'mean', 'std', 'channels', 'layout', 'resize', 'custom', 'grayscale',
  'stretch', 'centerCrop', 'letterbox',
] as const;
export type PreprocessingFormStrings = PageStrings<(typeof PREPROCESSING_FORM_STRINGS)[number]>;
