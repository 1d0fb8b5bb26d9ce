import type { KnowledgeEntry } from './types';
import stored from './entries.json';

/** entries.json keeps each body as an array of lines so that the data file stays readable and diffable. */
type StoredEntry = Omit<KnowledgeEntry, 'body'> & { body: string[] };

export const knowledgeEntries: readonly KnowledgeEntry[] = (stored as StoredEntry[]).map((entry) => ({ ...entry, body: entry.body.join('\n') }));
