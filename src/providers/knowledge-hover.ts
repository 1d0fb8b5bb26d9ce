import * as vscode from 'vscode';
import type { Language } from '../runtime/knowledge';

/** Editor language ids the knowledge hover reads, and how their code is parsed. */
export const hoverLanguages: Record<string, Language> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

/** Computes the hover for a position of a document in one of hoverLanguages. */
export type HoverSource = (document: vscode.TextDocument, position: vscode.Position, language: Language) => vscode.Hover | undefined;

/** Thin adapter: asks for the hover source on each hover, so the knowledge index loads on the first hover, not at activation. */
class KnowledgeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly hoverSource: () => HoverSource) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const language = hoverLanguages[document.languageId];
    if (!language) return undefined;
    return this.hoverSource()(document, position, language);
  }
}

export function registerKnowledgeHover(hoverSource: () => HoverSource): vscode.Disposable {
  return vscode.languages.registerHoverProvider(Object.keys(hoverLanguages).map((language) => ({ language })), new KnowledgeHoverProvider(hoverSource));
}
