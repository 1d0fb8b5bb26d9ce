import type { Term } from './layer-spec';

export const minus = '−';

export function isNumber(term: Term): term is number {
  return typeof term === 'number';
}

export function allNumbers(terms: Term[]): terms is number[] {
  return terms.every(isNumber);
}

/** Thousands separators for counts: 1792 → "1,792". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A term inside a formula; source expressions that are not a single name get parentheses. */
export function formatTerm(term: Term): string {
  if (isNumber(term)) return String(term);
  return /^[\w.]+$/.test(term) ? term : `(${term})`;
}

/** Product of terms: a number when all are literal, otherwise a "a·b·c" text. */
export function product(terms: Term[]): Term {
  if (allNumbers(terms)) return terms.reduce((a, b) => a * b, 1);
  return terms.map(formatTerm).join('·');
}

/** "a − b" style signed joining: "H + 2·1 − 3", leaving out zero terms. */
export function signedSum(parts: Array<{ sign: 1 | -1; text: string; zero?: boolean }>): string {
  let text = '';
  for (const part of parts) {
    if (part.zero) continue;
    if (text === '') text = part.sign < 0 ? `${minus}${part.text}` : part.text;
    else text += part.sign < 0 ? ` ${minus} ${part.text}` : ` + ${part.text}`;
  }
  return text === '' ? '0' : text;
}

/** Spatial dimension names for 1-, 2- and 3-D layers. */
export function dimensionNames(count: number): string[] {
  return count === 1 ? ['L'] : count === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
}

/** The input size used for the worked example when the call does not give one. */
export function exampleInput(count: number): number[] {
  return count === 1 ? Array(1).fill(128) : Array(count).fill(count === 3 ? 32 : 224);
}

/** Effective kernel extent with dilation: d·(k − 1) + 1. */
export function dilatedKernel(kernel: Term, dilation: Term): Term {
  if (dilation === 1) return kernel;
  if (isNumber(kernel) && isNumber(dilation)) return dilation * (kernel - 1) + 1;
  return `${formatTerm(dilation)}·(${formatTerm(kernel)} ${minus} 1) + 1`;
}
