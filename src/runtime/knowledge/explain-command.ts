/** The command hover links run; a module of its own so that activation can name it without loading the index. */
export const explainCommand = 'cnn.explainConcept';
