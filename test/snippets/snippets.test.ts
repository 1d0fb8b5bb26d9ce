import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { expandSnippet } from '../../src/runtime/knowledge/snippet-syntax';

/**
 * Every architecture snippet is expanded with its defaults and executed together with its check
 * (checks/<runtime>/<first prefix>.<ext>): output shapes for a given input, a working backward pass, and for U-Net
 * the input's spatial size at the output. Each runtime starts once and runs every program in its own scope.
 */
const root = path.resolve(__dirname, '../..');
const checksDir = path.join(__dirname, 'checks');

interface Snippet { prefix: string[]; description: string; body: string[] }

function readSnippets(file: string): Array<[string, Snippet]> {
  return Object.entries(JSON.parse(fs.readFileSync(path.join(root, 'snippets', file), 'utf8')) as Record<string, Snippet>);
}

/** Runs the programs in one process of the runtime; name → null when it ran, else the error and traceback. */
function runAll(command: string, script: string, programs: Array<{ name: string; code: string }>): Record<string, string | null> {
  const result = spawnSync(command, [path.join(__dirname, script)], {
    input: JSON.stringify(programs),
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '2', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `${command} ${script} failed:\n${result.stderr.slice(-4000)}`);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
}

const runtimes = [
  { name: 'PyTorch', file: 'pytorch.json', checks: 'pytorch', extension: '.py', command: '/usr/bin/python3', script: 'run-python.py' },
  { name: 'TensorFlow.js', file: 'tfjs.json', checks: 'tfjs', extension: '.js', command: process.execPath, script: 'run-tfjs.js' },
];

for (const runtime of runtimes) {
  describe(`${runtime.name} snippets run with their defaults`, function () {
    this.timeout(600_000);
    const snippets = readSnippets(runtime.file);
    const checkFile = (snippet: Snippet) => `${snippet.prefix[0]}${runtime.extension}`;
    let results: Record<string, string | null> = {};

    before(() => {
      const programs = snippets
        .filter(([, snippet]) => fs.existsSync(path.join(checksDir, runtime.checks, checkFile(snippet))))
        .map(([name, snippet]) => ({
          name,
          code: `${expandSnippet(snippet.body)}\n\n${fs.readFileSync(path.join(checksDir, runtime.checks, checkFile(snippet)), 'utf8')}`,
        }));
      results = runAll(runtime.command, runtime.script, programs);
    });

    it('has a check for every snippet and a snippet for every check', () => {
      assert.deepEqual(fs.readdirSync(path.join(checksDir, runtime.checks)).sort(), snippets.map(([, snippet]) => checkFile(snippet)).sort());
    });

    for (const [name, snippet] of snippets) {
      it(name, () => {
        const code = expandSnippet(snippet.body);
        assert.ok(!/\$\{?\d/.test(code), 'every tab stop is expanded');
        if (runtime.extension === '.js') {
          const { diagnostics } = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
          assert.deepEqual(diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], 'valid TypeScript syntax');
        }
        assert.ok(name in results, 'the snippet ran');
        assert.equal(results[name], null, results[name] ?? '');
      });
    }
  });
}
