// The knowledge features' heavy half: the knowledge index, markdown-it and the concept panel. Bundled apart as
// dist/knowledge.js and required on the first hover or "Explain Concept…", so that activation parses none of it.
import * as vscode from 'vscode';
import { explainCommand, hoverAt, knowledgeIndex, type KnowledgeEntry, type Language } from '../runtime/knowledge';
import { ConceptPanel } from '../webviews/concept/controller';

/** The hover's content comes from src/runtime/knowledge (the CLI `hover` verb prints the same). */
export function knowledgeHover(document: vscode.TextDocument, position: vscode.Position, language: Language): vscode.Hover | undefined {
  const info = hoverAt(knowledgeIndex(), document.getText(), language, document.offsetAt(position));
  if (!info) return undefined;
  const markdown = new vscode.MarkdownString(info.markdown);
  // Only the "Read more" / related-entry links may run a command, and only this one.
  markdown.isTrusted = { enabledCommands: [explainCommand] };
  return new vscode.Hover(markdown, new vscode.Range(document.positionAt(info.start), document.positionAt(info.end)));
}

/** Everything a quick pick can match on: the title as label, aliases and code symbols in description and detail. */
function conceptItem(entry: KnowledgeEntry): vscode.QuickPickItem & { entry: KnowledgeEntry } {
  const symbols = Object.values(entry.symbols).flat();
  return {
    label: entry.title,
    description: [...entry.aliases, ...symbols].join(' · '),
    detail: entry.summary,
    entry,
  };
}

/** "CNN: Explain Concept…": the given entry id (from a hover link), or one picked from all entries. Returns the id shown. */
export async function explainConcept(extensionUri: vscode.Uri, log: (line: string) => void, id?: unknown): Promise<string | undefined> {
  const index = knowledgeIndex();
  let entry = typeof id === 'string' ? index.get(id) : undefined;
  if (typeof id === 'string' && !entry) void vscode.window.showWarningMessage(vscode.l10n.t('CNN Studio has no entry "{0}".', id));
  if (!entry) {
    const picked = await vscode.window.showQuickPick(index.entries.map(conceptItem), {
      title: vscode.l10n.t('Explain Concept'),
      placeHolder: vscode.l10n.t('Search by name, alias or code symbol (Conv2d, roi_align, focal loss, U-Net…)'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    entry = picked?.entry;
  }
  if (!entry) return undefined;
  ConceptPanel.show(extensionUri, entry, log);
  return entry.id;
}
