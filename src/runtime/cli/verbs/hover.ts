import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { hoverAt, knowledgeIndex, languageForFile, offsetAt, type HoverInfo } from '../../knowledge';

export const HOVER_USAGE = 'hover FILE LINE COLUMN --json   (1-based line and column)\n'
  + '       hover FILE --batch --json      (reads "LINE COLUMN" lines from stdin, prints one JSON line per position)';

/** 1-based line and column of a source offset. */
function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function describe(source: string, hover: HoverInfo | undefined) {
  return hover ? {
    symbol: hover.symbol,
    framework: hover.framework,
    entry: hover.entry,
    related: hover.related,
    call: hover.call ?? null,
    range: { start: position(source, hover.start), end: position(source, hover.end) },
    markdown: hover.markdown,
  } : null;
}

/** `hover`: what the editor's hover shows at a position, computed by the same code. Prints null when nothing. */
export async function hoverVerb(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, batch: { type: 'boolean' } } });
  const [file, line, column] = positionals;
  const language = file ? languageForFile(file) : undefined;
  const positionGiven = /^\d+$/.test(line ?? '') && /^\d+$/.test(column ?? '');
  if (!file || !language || (values.batch ? positionals.length !== 1 : !positionGiven)) {
    console.error(`usage: ${HOVER_USAGE} (FILE: .py, .ts, .js)`);
    return 2;
  }
  const source = fs.readFileSync(file, 'utf8');
  const index = knowledgeIndex();
  const at = (lineNumber: number, columnNumber: number) => {
    const offset = offsetAt(source, lineNumber, columnNumber);
    return describe(source, offset === undefined ? undefined : hoverAt(index, source, language, offset));
  };
  if (!values.batch) {
    const result = at(Number(line), Number(column));
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else console.log(result ? result.markdown : '(no hover)');
    return 0;
  }
  const output: string[] = [];
  for await (const request of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    const match = /^\s*(\d+)[\s,:]+(\d+)\s*$/.exec(request);
    if (!match) {
      if (request.trim() !== '') output.push(JSON.stringify({ error: `expected "LINE COLUMN", got "${request.slice(0, 80)}"` }));
      continue;
    }
    output.push(JSON.stringify({ line: Number(match[1]), column: Number(match[2]), hover: at(Number(match[1]), Number(match[2])) }));
    if (output.length >= 1000) { process.stdout.write(`${output.join('\n')}\n`); output.length = 0; }
  }
  if (output.length > 0) process.stdout.write(`${output.join('\n')}\n`);
  return 0;
}
