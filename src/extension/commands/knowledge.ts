import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explainCommand } from '../../runtime/knowledge/explain-command';
import { registerKnowledgeHover } from '../../providers/knowledge-hover';

type KnowledgeFeatures = typeof import('../knowledge-features');
let loadedFeatures: KnowledgeFeatures | undefined;

/** dist/knowledge.js, beside this bundle (esbuild.js builds it from src/extension/knowledge-features.ts), loaded once. */
function knowledgeFeatures(): KnowledgeFeatures {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded on first use to keep activation light
  loadedFeatures ??= require(path.join(__dirname, 'knowledge.js')) as KnowledgeFeatures;
  return loadedFeatures;
}

export const insertArchitectureCommand = 'cnn.insertArchitecture';

interface ContributedSnippets { language: string; path: string }
interface SnippetDefinition { prefix: string | string[]; description?: string; body: string | string[] }

/** The snippets package.json contributes for a language, read from the extension's own snippet files. */
function snippetsFor(extension: vscode.Extension<unknown>, languageId: string): Array<[string, SnippetDefinition]> {
  const contributed = (extension.packageJSON.contributes?.snippets ?? []) as ContributedSnippets[];
  return contributed
    .filter((contribution) => contribution.language === languageId)
    .flatMap((contribution) => Object.entries(JSON.parse(fs.readFileSync(path.join(extension.extensionPath, contribution.path), 'utf8')) as Record<string, SnippetDefinition>));
}

/** "CNN: Insert Architecture…": a snippet for the active editor's language, picked (or named) and inserted at the cursor. */
async function insertArchitecture(extension: vscode.Extension<unknown>, name?: unknown): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a Python, TypeScript or JavaScript file to insert an architecture.'));
    return undefined;
  }
  const snippets = snippetsFor(extension, editor.document.languageId);
  if (snippets.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('CNN Studio has no architecture snippets for {0}.', editor.document.languageId));
    return undefined;
  }
  const chosen = typeof name === 'string'
    ? snippets.find(([snippetName]) => snippetName === name)
    : (await vscode.window.showQuickPick(
      snippets.map(([snippetName, snippet]) => ({
        label: snippetName,
        description: ([] as string[]).concat(snippet.prefix).join(', '),
        detail: snippet.description,
        snippet: [snippetName, snippet] as [string, SnippetDefinition],
      })),
      { title: vscode.l10n.t('Insert Architecture'), placeHolder: vscode.l10n.t('U-Net, Mask R-CNN heads, ResNet blocks, focal loss…'), matchOnDescription: true, matchOnDetail: true },
    ))?.snippet;
  if (!chosen) return undefined;
  const body = Array.isArray(chosen[1].body) ? chosen[1].body.join('\n') : chosen[1].body;
  await editor.insertSnippet(new vscode.SnippetString(body), editor.selection);
  return chosen[0];
}

/** The knowledge features: the hover, "Explain Concept…" and "Insert Architecture…". */
export function registerKnowledgeCommands(context: vscode.ExtensionContext, log: (line: string) => void = () => undefined): void {
  context.subscriptions.push(
    registerKnowledgeHover(() => knowledgeFeatures().knowledgeHover),
    vscode.commands.registerCommand(explainCommand, (id?: unknown) => knowledgeFeatures().explainConcept(context.extensionUri, log, id)),
    vscode.commands.registerCommand(insertArchitectureCommand, (name?: unknown) => insertArchitecture(context.extension, name)),
  );
}
