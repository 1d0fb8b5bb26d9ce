import * as vscode from 'vscode';
import { explainCommand, hoverAt, knowledgeIndex, type Language } from '../runtime/knowledge';

/** Editor language ids the knowledge hover reads, and how their code is parsed. */
const languages: Record<string, Language> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

/** Thin adapter: the hover's content comes from src/runtime/knowledge (the CLI `hover` verb prints the same). */
class KnowledgeHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const language = languages[document.languageId];
    if (!language) return undefined;
    const info = hoverAt(knowledgeIndex(), document.getText(), language, document.offsetAt(position));
    if (!info) return undefined;
    const markdown = new vscode.MarkdownString(info.markdown);
    // Only the "Read more" / related-entry links may run a command, and only this one.
    markdown.isTrusted = { enabledCommands: [explainCommand] };
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(info.start), document.positionAt(info.end)));
  }
}

export function registerKnowledgeHover(): vscode.Disposable {
  return vscode.languages.registerHoverProvider(Object.keys(languages).map((language) => ({ language })), new KnowledgeHoverProvider());
}
