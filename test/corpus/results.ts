/** Per-model results the corpus tests record, printed as one table after the run. */
export interface CorpusResult { params?: number; macs?: number | null; macsReference?: number | null; predict?: string; explain?: string }

const results = new Map<string, CorpusResult>();

export function recordResult(id: string, result: CorpusResult): void {
  results.set(id, { ...results.get(id), ...result });
}

export function corpusResults(): Map<string, CorpusResult> {
  return results;
}
