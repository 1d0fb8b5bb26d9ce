import { parseArgs } from 'node:util';
import { knowledgeIndex } from '../../knowledge';

export const KNOWLEDGE_USAGE = 'knowledge [QUERY] --json';

/** `knowledge`: the knowledge-base entries matching a query (all of them without one), best match first. */
export async function knowledgeVerb(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const entries = knowledgeIndex().search(positionals.join(' ')).map((entry) => ({
    id: entry.id,
    title: entry.title,
    seeds: entry.seeds,
    symbols: entry.symbols,
  }));
  if (values.json) console.log(JSON.stringify(entries, null, 2));
  else for (const entry of entries) console.log(`${entry.id}\t${entry.title}`);
  return 0;
}
