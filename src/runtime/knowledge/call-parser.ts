/** Parses the argument list of a call in Python, TypeScript or JavaScript source into literal values. */

export type Value =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'bool'; value: boolean; text: string }
  | { kind: 'none'; text: string }
  | { kind: 'tuple'; items: Value[]; text: string }
  | { kind: 'object'; entries: Map<string, Value>; text: string }
  /** Anything that is not a literal (a variable, an expression): kept as source text. */
  | { kind: 'expr'; text: string };

export interface Argument {
  /** The keyword of a Python keyword argument (`stride=2`); undefined for positional ones. */
  name?: string;
  value: Value;
}

export interface ParsedCall {
  args: Argument[];
  /** Offsets of the opening and closing parentheses in the source. */
  open: number;
  close: number;
}

const closers: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index just past the string literal that starts at `start` (Python triple quotes and JS template literals included). */
function skipString(source: string, start: number): number {
  const quote = source[start];
  const triple = quote !== '`' && source.startsWith(quote.repeat(3), start);
  const terminator = triple ? quote.repeat(3) : quote;
  let index = start + terminator.length;
  while (index < source.length) {
    if (source[index] === '\\') { index += 2; continue; }
    if (source.startsWith(terminator, index)) return index + terminator.length;
    if (!triple && quote !== '`' && source[index] === '\n') return index;
    index++;
  }
  return index;
}

/** Index just past a comment starting at `start`, or `start` when no comment starts there. */
function skipComment(source: string, start: number, python: boolean): number {
  if (python ? source[start] === '#' : source.startsWith('//', start)) {
    const end = source.indexOf('\n', start);
    return end < 0 ? source.length : end;
  }
  if (!python && source.startsWith('/*', start)) {
    const end = source.indexOf('*/', start + 2);
    return end < 0 ? source.length : end + 2;
  }
  return start;
}

/** Offset of the bracket closing the one at `open`, or -1 when the source ends first. */
export function matchingBracket(source: string, open: number, python: boolean): number {
  const stack: string[] = [];
  let index = open;
  while (index < source.length) {
    const char = source[index];
    const afterComment = skipComment(source, index, python);
    if (afterComment !== index) { index = afterComment; continue; }
    if (char === '"' || char === "'" || (!python && char === '`')) { index = skipString(source, index); continue; }
    if (char in closers) stack.push(closers[char]);
    else if (char === ')' || char === ']' || char === '}') {
      if (stack.pop() !== char) return -1;
      if (stack.length === 0) return index;
    }
    index++;
  }
  return -1;
}

/** Splits `source[start, end)` at top-level commas; comments are dropped, empty trailing items too. */
function splitTopLevel(source: string, start: number, end: number, python: boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let index = start;
  while (index < end) {
    const char = source[index];
    const afterComment = skipComment(source, index, python);
    if (afterComment !== index) { index = afterComment; continue; }
    if (char === '"' || char === "'" || (!python && char === '`')) {
      const stringEnd = skipString(source, index);
      current += source.slice(index, stringEnd);
      index = stringEnd;
      continue;
    }
    if (char in closers) depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
    if (char === ',' && depth === 0) { parts.push(current.trim()); current = ''; }
    else current += char;
    index++;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

const numberPattern = /^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Integer arithmetic such as `64 * 14 * 14` or `2 ** 5`: only digits, + - * and parentheses, so evaluating it is safe. */
const integerArithmetic = /^[\d\s+\-*()]*\d[\d\s+\-*()]*$/;

function evaluateArithmetic(text: string): number | undefined {
  if (!integerArithmetic.test(text) || !/[+\-*]/.test(text.replace(/^[-+]/, ''))) return undefined;
  try {
    const value = new Function(`return (${text});`)() as unknown;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Interprets one argument's source text as a literal value where it is one. */
export function parseValue(text: string, python: boolean): Value {
  const trimmed = text.trim();
  if (numberPattern.test(trimmed)) return { kind: 'number', value: Number(trimmed.replace(/_/g, '')), text: trimmed };
  const arithmetic = evaluateArithmetic(trimmed);
  if (arithmetic !== undefined) return { kind: 'number', value: arithmetic, text: trimmed };
  if (/^(True|true)$/.test(trimmed)) return { kind: 'bool', value: true, text: trimmed };
  if (/^(False|false)$/.test(trimmed)) return { kind: 'bool', value: false, text: trimmed };
  if (/^(None|null|undefined)$/.test(trimmed)) return { kind: 'none', text: trimmed };
  const first = trimmed[0];
  if ((first === '"' || first === "'" || (!python && first === '`')) && skipString(trimmed, 0) === trimmed.length && !trimmed.includes('${')) {
    const quoteLength = trimmed.startsWith(first.repeat(3)) && first !== '`' ? 3 : 1;
    return { kind: 'string', value: trimmed.slice(quoteLength, trimmed.length - quoteLength), text: trimmed };
  }
  if ((first === '(' || first === '[') && matchingBracket(trimmed, 0, python) === trimmed.length - 1) {
    const parts = splitTopLevel(trimmed, 1, trimmed.length - 1, python);
    if (first === '(' && parts.length === 1 && !/,\s*\)$/.test(trimmed)) return parseValue(parts[0], python);
    return { kind: 'tuple', items: parts.map((part) => parseValue(part, python)), text: trimmed };
  }
  if (first === '{' && matchingBracket(trimmed, 0, python) === trimmed.length - 1) {
    const entries = new Map<string, Value>();
    for (const part of splitTopLevel(trimmed, 1, trimmed.length - 1, python)) {
      const match = /^(?:"([^"]*)"|'([^']*)'|([A-Za-z_$][\w$]*))\s*:\s*([\s\S]*)$/.exec(part);
      if (match) entries.set(match[1] ?? match[2] ?? match[3], parseValue(match[4], python));
      else if (/^[A-Za-z_$][\w$]*$/.test(part)) entries.set(part, { kind: 'expr', text: part });
    }
    return { kind: 'object', entries, text: trimmed };
  }
  return { kind: 'expr', text: trimmed };
}

/**
 * Parses the call whose opening parenthesis is the first non-blank character at or after `offset`.
 * Returns undefined when no complete call starts there.
 */
export function parseCallAt(source: string, offset: number, python: boolean): ParsedCall | undefined {
  let open = offset;
  while (open < source.length && (source[open] === ' ' || source[open] === '\t')) open++;
  if (source[open] !== '(') return undefined;
  const close = matchingBracket(source, open, python);
  if (close < 0) return undefined;
  const args = splitTopLevel(source, open + 1, close, python).map((part): Argument => {
    const keyword = python ? /^([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(part) : null;
    return keyword ? { name: keyword[1], value: parseValue(keyword[2], python) } : { value: parseValue(part, python) };
  });
  return { args, open, close };
}
