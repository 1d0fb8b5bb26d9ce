/**
 * The spans of a source file that are not code: comments and string literals, found by scanning the whole file
 * once, so that multi-line docstrings, JSDoc blocks and template literals are recognised wherever a position falls.
 */
export interface TextSpan {
  kind: 'comment' | 'string';
  /** Offsets of the span including its delimiters. */
  start: number;
  end: number;
  /** A string that spans lines or is triple-quoted (a docstring): prose, not a literal value. */
  prose: boolean;
}

const pythonStringPrefix = /[rRbBuUfF]{1,2}$/;

function scanPython(source: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index];
    if (char === '#') {
      const end = source.indexOf('\n', index);
      spans.push({ kind: 'comment', start: index, end: end < 0 ? source.length : end, prose: true });
      index = end < 0 ? source.length : end;
      continue;
    }
    if (char === '"' || char === "'") {
      const prefix = pythonStringPrefix.exec(source.slice(Math.max(0, index - 2), index));
      const start = prefix && !/\w/.test(source[index - prefix[0].length - 1] ?? '') ? index - prefix[0].length : index;
      const raw = prefix !== null && /r/i.test(prefix[0]);
      const triple = source.startsWith(char.repeat(3), index);
      const terminator = triple ? char.repeat(3) : char;
      let end = index + terminator.length;
      while (end < source.length) {
        if (source[end] === '\\' && !(raw && source[end + 1] === '\n')) { end += 2; continue; }
        if (source.startsWith(terminator, end)) { end += terminator.length; break; }
        if (!triple && source[end] === '\n') break;
        end++;
      }
      end = Math.min(end, source.length);
      spans.push({ kind: 'string', start, end, prose: triple || source.slice(start, end).includes('\n') });
      index = end;
      continue;
    }
    index++;
  }
  return spans;
}

/** JavaScript/TypeScript: line and block comments, quoted strings and template literals (their `${…}` is code). */
function scanScript(source: string): TextSpan[] {
  const spans: TextSpan[] = [];
  /** Brace depth of each open template substitution, innermost last. */
  const substitutions: number[] = [];
  let braces = 0;
  let index = 0;
  const scanTemplate = (from: number): number => {
    let end = from;
    while (end < source.length) {
      if (source[end] === '\\') { end += 2; continue; }
      if (source[end] === '`') return end + 1;
      if (source.startsWith('${', end)) return end;
      end++;
    }
    return source.length;
  };
  const addTemplatePart = (start: number, end: number) => {
    spans.push({ kind: 'string', start, end, prose: source.slice(start, end).includes('\n') });
    if (source.startsWith('${', end)) { substitutions.push(braces); braces++; return end + 2; }
    return end;
  };
  while (index < source.length) {
    const char = source[index];
    if (source.startsWith('//', index)) {
      const end = source.indexOf('\n', index);
      spans.push({ kind: 'comment', start: index, end: end < 0 ? source.length : end, prose: true });
      index = end < 0 ? source.length : end;
    } else if (source.startsWith('/*', index)) {
      const close = source.indexOf('*/', index + 2);
      const end = close < 0 ? source.length : close + 2;
      spans.push({ kind: 'comment', start: index, end, prose: true });
      index = end;
    } else if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < source.length && source[end] !== char && source[end] !== '\n') end += source[end] === '\\' ? 2 : 1;
      end = Math.min(end + 1, source.length);
      spans.push({ kind: 'string', start: index, end, prose: false });
      index = end;
    } else if (char === '`') {
      index = addTemplatePart(index, scanTemplate(index + 1));
    } else if (char === '{') {
      braces++;
      index++;
    } else if (char === '}') {
      braces--;
      index++;
      if (substitutions.length > 0 && braces === substitutions[substitutions.length - 1]) {
        substitutions.pop();
        index = addTemplatePart(index - 1, scanTemplate(index));
      }
    } else {
      index++;
    }
  }
  return spans;
}

let cached: { source: string; python: boolean; spans: TextSpan[] } | undefined;

/** The file's comment and string spans in order (the last file's are kept: hovers ask about one file many times). */
export function textSpans(source: string, python: boolean): TextSpan[] {
  if (cached?.source !== source || cached.python !== python) cached = { source, python, spans: python ? scanPython(source) : scanScript(source) };
  return cached.spans;
}

/** The comment or string span holding `offset` (delimiters excluded from "inside"), if any. */
export function spanAt(source: string, offset: number, python: boolean): TextSpan | undefined {
  const spans = textSpans(source, python);
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle];
    if (offset < span.start) high = middle - 1;
    else if (offset >= span.end) low = middle + 1;
    else return span;
  }
  return undefined;
}
