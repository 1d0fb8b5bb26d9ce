import type { Framework, KnowledgeEntry } from './types';
import { frameworks } from './types';
import { knowledgeEntries } from './bundled-entries';

export interface SymbolOwner {
  entryId: string;
  framework: Framework;
}

/** Lookup structures over the knowledge base: by id, by code symbol, and free-text search. */
export class KnowledgeIndex {
  private readonly byId = new Map<string, KnowledgeEntry>();
  /** Canonical symbol (`torch.nn.Conv2d`, `tf.layers.conv2d`, `Conv`) → its entry. */
  readonly symbols = new Map<string, SymbolOwner>();
  /** Last segment of class-like Python symbols (`Conv2d`, `Conv2D`) → canonical symbols ending in it. */
  readonly classNames = new Map<string, string[]>();

  constructor(readonly entries: readonly KnowledgeEntry[]) {
    for (const entry of entries) {
      if (this.byId.has(entry.id)) throw new Error(`knowledge: duplicate entry id ${entry.id}`);
      this.byId.set(entry.id, entry);
      for (const framework of frameworks) {
        for (const symbol of entry.symbols[framework] ?? []) {
          const owner = this.symbols.get(symbol);
          if (owner) throw new Error(`knowledge: symbol ${symbol} belongs to both ${owner.entryId} and ${entry.id}`);
          this.symbols.set(symbol, { entryId: entry.id, framework });
          const last = symbol.slice(symbol.lastIndexOf('.') + 1);
          if ((framework === 'pytorch' || framework === 'keras') && /^[A-Z](?=.*[a-z])/.test(last)) {
            this.classNames.set(last, [...(this.classNames.get(last) ?? []), symbol]);
          }
        }
      }
    }
  }

  get(id: string): KnowledgeEntry | undefined {
    return this.byId.get(id);
  }

  /**
   * Entries matching every word of the query, best first: a word naming the id, title, an alias or a symbol
   * outranks one found only in the summary or body. An empty query lists everything.
   */
  search(query: string): KnowledgeEntry[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [...this.entries];
    const scored: Array<{ entry: KnowledgeEntry; score: number }> = [];
    for (const entry of this.entries) {
      const names = [entry.id, entry.title, ...entry.aliases, ...frameworks.flatMap((framework) => entry.symbols[framework] ?? [])]
        .map((name) => name.toLowerCase());
      const text = `${entry.summary}\n${entry.body}`.toLowerCase();
      let score = 0;
      for (const word of words) {
        if (names.some((name) => name === word || name.endsWith(`.${word}`))) score += 10;
        else if (names.some((name) => name.includes(word))) score += 5;
        else if (text.includes(word)) score += 1;
        else { score = 0; break; }
      }
      if (score > 0) scored.push({ entry, score });
    }
    return scored.sort((a, b) => b.score - a.score).map(({ entry }) => entry);
  }

  /** Seed question number → ids of the entries that answer it. */
  seedCoverage(): Map<number, string[]> {
    const coverage = new Map<number, string[]>();
    for (const entry of this.entries) {
      for (const seed of entry.seeds) coverage.set(seed, [...(coverage.get(seed) ?? []), entry.id]);
    }
    return coverage;
  }
}

let shared: KnowledgeIndex | undefined;

/** The knowledge base bundled with the product, built once. */
export function knowledgeIndex(): KnowledgeIndex {
  shared ??= new KnowledgeIndex(knowledgeEntries);
  return shared;
}
