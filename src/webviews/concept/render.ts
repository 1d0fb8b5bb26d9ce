import MarkdownIt from 'markdown-it';
import type { KnowledgeEntry, KnowledgeIndex } from '../../runtime/knowledge';

const frameworkNames = { pytorch: 'PyTorch', keras: 'Keras', tfjs: 'TensorFlow.js', onnx: 'ONNX' } as const;

/** Raw HTML in the Markdown is escaped (html: false); markdown-it's link validation drops javascript:, file: and data: links. */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page body for one entry: its Markdown, the code symbols it explains, and links to related entries. */
export function renderEntryHtml(entry: KnowledgeEntry, index: KnowledgeIndex): string {
  const symbols = (Object.keys(frameworkNames) as Array<keyof typeof frameworkNames>)
    .filter((framework) => (entry.symbols[framework] ?? []).length > 0)
    .map((framework) => `<tr><th>${frameworkNames[framework]}</th><td>${(entry.symbols[framework] ?? []).map((symbol) => `<code>${escapeHtml(symbol)}</code>`).join(' ')}</td></tr>`);
  const related = entry.related.flatMap((id) => {
    const target = index.get(id);
    return target ? [`<li><a href="#" data-entry="${escapeHtml(id)}">${escapeHtml(target.title)}</a></li>`] : [];
  });
  return [
    `<h1>${escapeHtml(entry.title)}</h1>`,
    `<p class="summary">${markdown.renderInline(entry.summary)}</p>`,
    markdown.render(entry.body),
    symbols.length > 0 ? `<h2>In code</h2><table class="symbols">${symbols.join('')}</table>` : '',
    related.length > 0 ? `<h2>Related</h2><ul class="related">${related.join('')}</ul>` : '',
  ].join('\n');
}
