#!/usr/bin/python3
"""Python's own view of source files, for checking the hover: comment and string spans (tokenize) and the names the
file binds by import statements (ast). Prints one JSON line per file:
{"file", "spans": [[start, end], …] (character offsets), "imported": [names, module-level aliases included]}.

Usage: python_tokens.py FILE...
"""
import ast
import io
import json
import sys
import tokenize

for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        source = f.read()
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))

    def offset(position):
        row, column = position
        return line_starts[row - 1] + column

    spans = [[offset(token.start), offset(token.end)]
             for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type in (tokenize.COMMENT, tokenize.STRING)]
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update((alias.asname or alias.name.split('.')[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.update((alias.asname or alias.name) for alias in node.names if alias.name != '*')
    # Module-level aliases of imported attributes (`interpolate = torch.nn.functional.interpolate`) name them too.
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(node.value, ast.Attribute) and isinstance(root, ast.Name) and root.id in imported:
                imported.add(node.targets[0].id)
    print(json.dumps({'file': path, 'spans': spans, 'imported': sorted(imported)}))
