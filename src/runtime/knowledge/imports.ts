/** What each local name in a source file stands for, read from its import statements. */
export type Language = 'python' | 'typescript' | 'javascript';

/** Local name → fully qualified module path or member (`nn` → `torch.nn`, `tf` → `tf` for TensorFlow.js). */
export class ImportMap extends Map<string, string> {
  /** Modules imported whole into the file's namespace (`from torch.nn import *`). */
  readonly starModules = new Set<string>();
  /** Names the file defines or assigns itself (`class Model`, `Linear = 5`): they are not the framework's. */
  readonly localNames = new Set<string>();
}

const tfjsModule = /^@tensorflow\/tfjs(-node|-node-gpu|-core|-layers)?$/;

function addPythonImports(source: string, imports: ImportMap): void {
  for (const match of source.matchAll(/^[ \t]*import[ \t]+([\w., \t]+?)[ \t]*(?:#.*)?$/gm)) {
    for (const clause of match[1].split(',')) {
      const [module, alias] = clause.trim().split(/\s+as\s+/);
      if (!module) continue;
      if (alias) imports.set(alias.trim(), module);
      else imports.set(module.split('.')[0], module.split('.')[0]);
    }
  }
  for (const match of source.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)/gm)) {
    const members = match[2].replace(/[()]/g, '').split(',');
    for (const member of members) {
      const [name, alias] = member.trim().split(/\s+as\s+/);
      if (name === '*') imports.starModules.add(match[1]);
      if (!name || name === '*') continue;
      imports.set((alias ?? name).trim(), `${match[1]}.${name.trim()}`);
    }
  }
}

function addScriptImports(source: string, imports: ImportMap): void {
  const patterns = [
    /import\s+\*\s+as\s+([\w$]+)\s+from\s+['"]([^'"]+)['"]/g,
    /import\s+([\w$]+)\s+from\s+['"]([^'"]+)['"]/g,
    /(?:const|let|var)\s+([\w$]+)\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) if (tfjsModule.test(match[2])) imports.set(match[1], 'tf');
  }
  const named = [
    /import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g,
    /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of named) {
    for (const match of source.matchAll(pattern)) {
      if (!tfjsModule.test(match[2])) continue;
      for (const member of match[1].split(',')) {
        const [name, alias] = member.trim().split(/\s+as\s+|\s*:\s*/);
        if (name) imports.set((alias ?? name).trim(), `tf.${name.trim()}`);
      }
    }
  }
}

/** Names that mean a framework module by convention even when the import is out of sight. */
const conventionalNames: Record<Language, Array<[string, string]>> = {
  python: [['nn', 'torch.nn'], ['F', 'torch.nn.functional'], ['tf', 'tensorflow'], ['layers', 'keras.layers'], ['torch', 'torch'], ['torchvision', 'torchvision'], ['keras', 'keras']],
  typescript: [['tf', 'tf']],
  javascript: [['tf', 'tf']],
};

/**
 * Python names bound by the file itself: classes, functions, assignments, loop and `with … as` targets. A plain
 * alias of an imported module (`nn = torch.nn`) counts as an import instead.
 */
function addPythonDefinitions(source: string, imports: ImportMap): void {
  for (const match of source.matchAll(/^[ \t]*(?:async[ \t]+)?(?:class|def)[ \t]+(\w+)/gm)) imports.localNames.add(match[1]);
  const assignments = [...source.matchAll(/^[ \t]*([A-Za-z_][\w \t,]*?)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*([^\n]*)/gm)];
  const assignedTimes = new Map<string, number>();
  const targetsOf = (match: RegExpMatchArray) => match[1].split(',').map((target) => target.trim()).filter((target) => /^\w+$/.test(target));
  for (const match of assignments) for (const target of targetsOf(match)) assignedTimes.set(target, (assignedTimes.get(target) ?? 0) + 1);
  for (const match of assignments) {
    const targets = targetsOf(match);
    // Only a module bound once (`nn = torch.nn`) is an alias; `norm_layer = nn.BatchNorm2d` is a variable.
    const aliased = /^([A-Za-z_]\w*)((?:\.[a-z_]\w*)+)[ \t]*(?:#.*)?$/.exec(match[2]);
    if (targets.length === 1 && aliased && imports.has(aliased[1]) && assignedTimes.get(targets[0]) === 1) imports.set(targets[0], `${imports.get(aliased[1])}${aliased[2]}`);
    else for (const target of targets) imports.localNames.add(target);
  }
  for (const match of source.matchAll(/\bfor[ \t]+([\w \t,]+?)[ \t]+in\b/g)) {
    for (const target of match[1].split(',')) if (/^\w+$/.test(target.trim())) imports.localNames.add(target.trim());
  }
  for (const match of source.matchAll(/^[ \t]*(?:with|except)\b[^\n]*?\bas[ \t]+(\w+)/gm)) imports.localNames.add(match[1]);
}

/** JavaScript/TypeScript names declared by the file (`const Conv2D = …`, `class Model`, `function conv2d`). */
function addScriptDefinitions(source: string, imports: ImportMap): void {
  for (const match of source.matchAll(/\b(?:const|let|var|function|class)[ \t]+([\w$]+)/g)) imports.localNames.add(match[1]);
}

let lastRead: { source: string; language: Language; imports: ImportMap } | undefined;

/** The file's imports and own names; the last file's are kept, since hovers ask about one file many times. */
export function readImports(source: string, language: Language): ImportMap {
  if (lastRead?.source !== source || lastRead.language !== language) lastRead = { source, language, imports: scanImports(source, language) };
  return lastRead.imports;
}

function scanImports(source: string, language: Language): ImportMap {
  const imports = new ImportMap(conventionalNames[language]);
  if (language === 'python') {
    addPythonImports(source, imports);
    addPythonDefinitions(source, imports);
  } else {
    addScriptImports(source, imports);
    addScriptDefinitions(source, imports);
  }
  for (const [name, module] of imports) {
    const conventional = conventionalNames[language].some(([conventionalName, conventionalModule]) => conventionalName === name && conventionalModule === module);
    // A conventional name the file binds to something else (`layers = []`) is the file's own; an import wins otherwise.
    if (conventional && imports.localNames.has(name)) imports.delete(name);
    else imports.localNames.delete(name);
  }
  return imports;
}
