export type { Framework, KnowledgeEntry } from './types';
export { KnowledgeIndex, knowledgeIndex } from './knowledge-index';
export { hoverAt, commandLink, explainCommand, languageForFile, offsetAt, type HoverInfo } from './hover';
export type { Language } from './imports';
