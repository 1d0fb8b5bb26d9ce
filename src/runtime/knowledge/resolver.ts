import type { Framework } from './types';
import type { KnowledgeIndex } from './knowledge-index';
import { type ImportMap, type Language, readImports } from './imports';
import { spanAt, type TextSpan } from './tokens';

export interface ResolvedSymbol {
  /** Canonical symbol as written in the knowledge base. */
  symbol: string;
  framework: Framework;
  entryId: string;
  /** Source offsets of the whole name as written (`nn.Conv2d`, `tf.layers.conv2d`). */
  start: number;
  end: number;
}

const identifierChar = /[\w$]/;
const frameworksByLanguage: Record<Language, Framework[]> = {
  python: ['pytorch', 'keras', 'onnx'],
  typescript: ['tfjs', 'onnx'],
  javascript: ['tfjs', 'onnx'],
};

/** Spellings that mean the same module as the canonical one. */
const equivalentPrefixes: Array<[string, string]> = [
  ['tensorflow.keras.', 'keras.'],
  ['torch.ao.quantization.', 'torch.quantization.'],
  ['torch.nn.modules.', 'torch.nn.'],
  ['torchvision.models.detection.anchor_utils.', 'torchvision.models.detection.rpn.'],
];

function canonicalize(qualified: string): string {
  // torchvision.ops.boxes.box_iou, torchvision.ops.misc.FrozenBatchNorm2d… → their public torchvision.ops names.
  const opsSubmodule = /^torchvision\.ops\.[a-z_]+\.(\w+)$/.exec(qualified);
  if (opsSubmodule) return `torchvision.ops.${opsSubmodule[1]}`;
  for (const [prefix, canonical] of equivalentPrefixes) {
    if (qualified.startsWith(prefix)) {
      const rest = qualified.slice(prefix.length);
      // torch.nn.modules.conv.Conv2d → torch.nn.Conv2d
      return prefix === 'torch.nn.modules.' ? canonical + rest.slice(rest.indexOf('.') + 1) : canonical + rest;
    }
  }
  return qualified;
}

/** Offsets of a string literal's content, without its prefix and quotes. */
function literalContent(source: string, span: TextSpan): [number, number] {
  let start = span.start;
  while (start < span.end && !`"'\``.includes(source[start])) start++;
  return [start + 1, Math.max(start + 1, span.end - 1)];
}

/** ONNX op types are hovered where code names them as strings: `make_node("Conv", …)`, `node.op_type == "Relu"`. */
function resolveOnnxString(index: KnowledgeIndex, source: string, span: [number, number]): ResolvedSymbol | undefined {
  const text = source.slice(span[0], span[1]);
  const owner = index.symbols.get(text);
  if (!owner || owner.framework !== 'onnx') return undefined;
  const lineStart = source.lastIndexOf('\n', span[0]) + 1;
  const lineEnd = source.indexOf('\n', span[1]);
  const line = source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd);
  if (!/make_node|op_?type|opType/i.test(line)) return undefined;
  return { symbol: text, framework: 'onnx', entryId: owner.entryId, start: span[0], end: span[1] };
}

function chainAt(source: string, offset: number): { start: number; end: number } | undefined {
  let end = offset;
  while (end < source.length && identifierChar.test(source[end])) end++;
  let start = offset;
  while (start > 0 && identifierChar.test(source[start - 1])) start--;
  if (start === end) return undefined;
  while (start > 1 && source[start - 1] === '.' && identifierChar.test(source[start - 2])) {
    start--;
    while (start > 0 && identifierChar.test(source[start - 1])) start--;
  }
  if (/\d/.test(source[start])) return undefined;
  return { start, end };
}

function expand(chain: string, imports: ImportMap): string {
  const [head, ...rest] = chain.split('.');
  const module = imports.get(head);
  return canonicalize(module ? [module, ...rest].join('.') : chain);
}

/**
 * A bare class name (`Conv2d`) that the file does not import by name is a symbol only through a star import of the
 * module that defines it (`from torch.nn import *`): never guessed across frameworks.
 */
function resolveStarImported(index: KnowledgeIndex, name: string, imports: ImportMap): string | undefined {
  const candidates = index.classNames.get(name) ?? [];
  const starred = [...imports.starModules].map(canonicalize);
  const matches = candidates.filter((symbol) => starred.some((module) => symbol === `${module}.${name}`));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The knowledge-base symbol named at `offset`, or undefined. Qualified names are expanded through the file's
 * imports; a lone lowercase word (`pool`, `relu`) only counts when imported from a framework module.
 */
export function resolveSymbolAt(index: KnowledgeIndex, source: string, language: Language, offset: number, imports = readImports(source, language)): ResolvedSymbol | undefined {
  const python = language === 'python';
  const span = spanAt(source, offset, python);
  if (span) return span.kind === 'string' && !span.prose ? resolveOnnxString(index, source, literalContent(source, span)) : undefined;
  const chain = chainAt(source, offset);
  if (!chain) return undefined;
  const before = source.slice(Math.max(0, chain.start - 9), chain.start);
  if (source[chain.start - 1] === '.' || /\b(def|class|function)\s+$/.test(before)) return undefined;
  // The module path of an import statement names a module, not the layer of the same name.
  if (python && /^[ \t]*(from|import)[ \t]+$/.test(source.slice(source.lastIndexOf('\n', chain.start - 1) + 1, chain.start))) return undefined;
  const written = source.slice(chain.start, chain.end);
  const allowed = frameworksByLanguage[language];
  const head = written.split('.')[0];
  if (imports.localNames.has(head)) return undefined;
  let symbol = expand(written, imports);
  let owner = index.symbols.get(symbol);
  if (!written.includes('.') && !imports.has(written)) {
    const starred = resolveStarImported(index, written, imports);
    symbol = starred ?? symbol;
    owner = starred ? index.symbols.get(starred) : undefined;
  }
  if (!owner || owner.framework === 'onnx' || !allowed.includes(owner.framework)) return undefined;
  return { symbol, framework: owner.framework, entryId: owner.entryId, start: chain.start, end: chain.end };
}
