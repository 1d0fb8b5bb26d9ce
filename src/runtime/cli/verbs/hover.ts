import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { hoverAt, knowledgeIndex, languageForFile, offsetAt } from '../../knowledge';

export const HOVER_USAGE = 'hover FILE LINE COLUMN --json   (1-based line and column)';

/** 1-based line and column of a source offset. */
function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** `hover`: what the editor's hover shows at a position, computed by the same code. Prints null when nothing. */
export async function hoverVerb(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const [file, line, column] = positionals;
  const language = file ? languageForFile(file) : undefined;
  if (!file || !/^\d+$/.test(line ?? '') || !/^\d+$/.test(column ?? '') || !language) {
    console.error(`usage: ${HOVER_USAGE} (FILE: .py, .ts, .js)`);
    return 2;
  }
  const source = fs.readFileSync(file, 'utf8');
  const hover = hoverAt(knowledgeIndex(), source, language, offsetAt(source, Number(line), Number(column)));
  const result = hover && {
    symbol: hover.symbol,
    framework: hover.framework,
    entry: hover.entry,
    related: hover.related,
    call: hover.call ?? null,
    range: { start: position(source, hover.start), end: position(source, hover.end) },
    markdown: hover.markdown,
  };
  if (values.json) console.log(JSON.stringify(result ?? null, null, 2));
  else console.log(result ? result.markdown : '(no hover)');
  return 0;
}
