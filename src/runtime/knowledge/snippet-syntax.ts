/**
 * Expands VS Code snippet syntax to the text the editor inserts when every tab stop keeps its default:
 * `$1`, `${1}`, `${1:default}` (nested), `${1|first,second|}`, `$VAR`, `${VAR:default}`, and `\$ \} \\` escapes.
 */

type SnippetNode =
  | { kind: 'text'; text: string }
  | { kind: 'tabstop'; index: number; children: SnippetNode[] }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children: SnippetNode[] };

class SnippetParser {
  private position = 0;

  constructor(private readonly source: string) {}

  /** Parses until the end, or until an unescaped `}` when inside a placeholder. */
  parse(insidePlaceholder: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.position < this.source.length) {
      const char = this.source[this.position];
      if (char === '\\' && '$}\\'.includes(this.source[this.position + 1] ?? '')) {
        text += this.source[this.position + 1];
        this.position += 2;
      } else if (char === '}' && insidePlaceholder) {
        break;
      } else if (char === '$') {
        const node = this.parseDollar();
        if (node) { flush(); nodes.push(node); } else { text += '$'; this.position++; }
      } else {
        text += char;
        this.position++;
      }
    }
    flush();
    return nodes;
  }

  private parseDollar(): SnippetNode | undefined {
    const rest = this.source.slice(this.position);
    const simple = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (simple) {
      this.position += simple[0].length;
      return /^\d/.test(simple[1]) ? { kind: 'tabstop', index: Number(simple[1]), children: [] } : { kind: 'variable', name: simple[1], children: [] };
    }
    const choice = /^\$\{(\d+)\|((?:\\.|[^|\\])*)\|\}/.exec(rest);
    if (choice) {
      this.position += choice[0].length;
      const options = choice[2].split(/(?<!\\),/).map((option) => option.replace(/\\(.)/g, '$1'));
      return { kind: 'choice', index: Number(choice[1]), options };
    }
    const opening = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)(:|\})/.exec(rest);
    if (!opening) return undefined;
    this.position += opening[0].length;
    const children = opening[2] === ':' ? this.parse(true) : [];
    if (opening[2] === ':') {
      if (this.source[this.position] !== '}') throw new Error(`snippet: unclosed \${${opening[1]}: placeholder`);
      this.position++;
    }
    return /^\d/.test(opening[1]) ? { kind: 'tabstop', index: Number(opening[1]), children } : { kind: 'variable', name: opening[1], children };
  }
}

export function parseSnippet(body: string): SnippetNode[] {
  return new SnippetParser(body).parse(false);
}

/** The defaults of each tab stop: the first placeholder or choice of that number that has one (mirrors copy it). */
function collectDefaults(nodes: SnippetNode[], defaults: Map<number, SnippetNode[]>): void {
  for (const node of nodes) {
    if (node.kind === 'tabstop') {
      if (node.children.length > 0 && !defaults.has(node.index)) defaults.set(node.index, node.children);
      collectDefaults(node.children, defaults);
    } else if (node.kind === 'choice' && !defaults.has(node.index)) {
      defaults.set(node.index, [{ kind: 'text', text: node.options[0] ?? '' }]);
    } else if (node.kind === 'variable') {
      collectDefaults(node.children, defaults);
    }
  }
}

function render(nodes: SnippetNode[], defaults: Map<number, SnippetNode[]>, variables: Record<string, string>): string {
  return nodes.map((node) => {
    switch (node.kind) {
      case 'text': return node.text;
      case 'tabstop': return render(defaults.get(node.index) ?? [], defaults, variables);
      case 'choice': return render(defaults.get(node.index) ?? [], defaults, variables);
      case 'variable': return variables[node.name] ?? render(node.children, defaults, variables);
    }
  }).join('');
}

/** The inserted text of a snippet body (a string or VS Code's array of lines) with every tab stop at its default. */
export function expandSnippet(body: string | string[], variables: Record<string, string> = {}): string {
  const nodes = parseSnippet(Array.isArray(body) ? body.join('\n') : body);
  const defaults = new Map<number, SnippetNode[]>();
  collectDefaults(nodes, defaults);
  return render(nodes, defaults, variables);
}
