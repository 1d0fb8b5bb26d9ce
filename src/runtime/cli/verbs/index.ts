/** A CLI verb: runs with the arguments after its name and returns the exit code. */
export interface Verb {
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Verb name → how to load it. Each verb lives in its own file and loads only when called. */
export const verbs: Record<string, () => Promise<Verb>> = {
  inspect: async () => { const m = await import('./inspect'); return { usage: m.INSPECT_USAGE, run: m.inspectVerb }; },
  predict: async () => { const m = await import('./predict'); return { usage: m.PREDICT_USAGE, run: m.predictVerb }; },
  explain: async () => { const m = await import('./explain'); return { usage: m.EXPLAIN_USAGE, run: m.explainVerb }; },
  knowledge: async () => { const m = await import('./knowledge'); return { usage: m.KNOWLEDGE_USAGE, run: m.knowledgeVerb }; },
  hover: async () => { const m = await import('./hover'); return { usage: m.HOVER_USAGE, run: m.hoverVerb }; },
  quantize: async () => { const m = await import('./quantize'); return { usage: m.QUANTIZE_USAGE, run: m.quantizeVerb }; },
  train: async () => { const m = await import('./train'); return { usage: m.TRAIN_USAGE, run: m.trainVerb }; },
  'sample-dataset': async () => { const m = await import('./sample-dataset'); return { usage: m.SAMPLE_DATASET_USAGE, run: m.sampleDatasetVerb }; },
};
