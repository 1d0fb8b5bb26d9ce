import type { Framework } from './types';
import type { KnowledgeIndex } from './knowledge-index';
import type { LayerReport } from './formulas/layer-spec';
import type { Language } from './imports';
import { parseCallAt } from './call-parser';
import { reportForCall } from './formulas';
import { resolveSymbolAt } from './resolver';
import { explainCommand } from './explain-command';

export { explainCommand };

export interface HoverInfo {
  symbol: string;
  framework: Framework;
  entry: { id: string; title: string; summary: string };
  related: Array<{ id: string; title: string }>;
  /** Numbers for the call under the cursor when it is a convolution, pooling or linear layer. */
  call?: LayerReport;
  /** Source offsets of the hovered name. */
  start: number;
  end: number;
  markdown: string;
}

export function commandLink(id: string): string {
  return `command:${explainCommand}?${encodeURIComponent(JSON.stringify([id]))}`;
}

function exampleText(example: NonNullable<LayerReport['example']>): string {
  return `${example.input.join('×')} → ${example.output.join('×')}`;
}

function renderMarkdown(info: Omit<HoverInfo, 'markdown'>): string {
  const lines = [`**${info.entry.title}** · \`${info.symbol}\``, '', info.entry.summary];
  if (info.call) {
    lines.push('', `**This call:** ${info.call.parameterText}  `);
    for (const formula of info.call.outputFormulas) lines.push(`\`${formula}\`  `);
    if (info.call.example) lines.push(`e.g. ${exampleText(info.call.example)}`);
  }
  if (info.related.length > 0) {
    lines.push('', `Related: ${info.related.map((related) => `[${related.title}](${commandLink(related.id)})`).join(' · ')}`);
  }
  lines.push('', `[Read more](${commandLink(info.entry.id)})`);
  return lines.join('\n');
}

/** What the hover shows at `offset` in `source`; shared by the editor's hover provider and the CLI. */
export function hoverAt(index: KnowledgeIndex, source: string, language: Language, offset: number): HoverInfo | undefined {
  const resolved = resolveSymbolAt(index, source, language, offset);
  if (!resolved) return undefined;
  const entry = index.get(resolved.entryId);
  if (!entry) return undefined;
  const call = parseCallAt(source, resolved.end, language === 'python');
  const info = {
    symbol: resolved.symbol,
    framework: resolved.framework,
    entry: { id: entry.id, title: entry.title, summary: entry.summary },
    related: entry.related.flatMap((id) => {
      const related = index.get(id);
      return related ? [{ id, title: related.title }] : [];
    }),
    call: call ? reportForCall(resolved.symbol, call.args) : undefined,
    start: resolved.start,
    end: resolved.end,
  };
  return { ...info, markdown: renderMarkdown(info) };
}

const extensionLanguages: Record<string, Language> = {
  '.py': 'python', '.pyi': 'python', '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
};

export function languageForFile(fileName: string): Language | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : extensionLanguages[fileName.slice(dot).toLowerCase()];
}

/**
 * Offset of a 1-based line and column (columns count UTF-16 units, as editors do), or undefined when the line does
 * not exist or the column lies past its end (it must not reach into the next line).
 */
export function offsetAt(source: string, line: number, column: number): number | undefined {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = source.indexOf('\n', offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  const lineEnd = source.indexOf('\n', offset);
  const length = (lineEnd < 0 ? source.length : lineEnd) - offset;
  return column >= 1 && column - 1 <= length ? offset + column - 1 : undefined;
}
