/** What each local name in a source file stands for, read from its import statements. */
export type Language = 'python' | 'typescript' | 'javascript';

/** Local name → fully qualified module path or member (`nn` → `torch.nn`, `tf` → `tf` for TensorFlow.js). */
export type ImportMap = Map<string, string>;

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

export function readImports(source: string, language: Language): ImportMap {
  const imports: ImportMap = new Map(conventionalNames[language]);
  if (language === 'python') addPythonImports(source, imports);
  else addScriptImports(source, imports);
  return imports;
}
