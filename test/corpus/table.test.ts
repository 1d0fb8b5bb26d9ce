import { corpus } from './corpus';
import { corpusResults } from './results';

const count = (value: number | null | undefined) => (value === undefined ? '' : value === null ? 'unknown' : value.toLocaleString('en-US'));

/** After every corpus test: one table of the models and what each check found. */
after(() => {
  const results = corpusResults();
  if (results.size === 0) return;
  const rows = [['model', 'format', 'kind', 'params', 'MACs ours', 'MACs reference', 'predict', 'explain']];
  for (const model of corpus) {
    const result = results.get(model.id) ?? {};
    rows.push([model.id, model.format, model.kind, count(result.params), count(result.macs), count(result.macsReference), result.predict ?? '', result.explain ?? '']);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n  corpus (${corpus.length} models)\n${rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd()).join('\n')}\n`);
});
