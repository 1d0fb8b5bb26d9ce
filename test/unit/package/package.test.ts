import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedImage, sharedModel } from '../helpers/shared';

const repoRoot = path.join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, not a module of the project's sources
const { MAX_BYTES, MAX_FILES, vsixContents } = require(path.join(repoRoot, 'scripts', 'package.js')) as {
  MAX_BYTES: number; MAX_FILES: number; vsixContents(vsix: string): { files: number; bytes: number; entries: string[] };
};

const target = `${process.platform}-${process.arch}`;

describe(`package: the ${target} .vsix`, function () {
  this.timeout(900_000);
  let out: string;
  let vsix: string;
  let installed: string;

  before(function () {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-vsix-'));
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.js'), '--target', target, '--out', out], { cwd: repoRoot, stdio: 'inherit' });
    [vsix] = fs.readdirSync(out).filter((name) => name.endsWith('.vsix')).map((name) => path.join(out, name));
    installed = path.join(out, 'unpacked');
    execFileSync('unzip', ['-q', vsix, '-d', installed]);
  });

  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('stays within 30 MB and 1,000 files, with a licence, a changelog and the English strings', () => {
    const { files, bytes, entries } = vsixContents(vsix);
    assert.ok(bytes <= MAX_BYTES, `${(bytes / 1024 / 1024).toFixed(1)} MB`);
    assert.ok(files <= MAX_FILES, `${files} files`);
    for (const file of ['extension/LICENSE.txt', 'extension/changelog.md', 'extension/package.json', 'extension/package.nls.json', 'extension/l10n/bundle.l10n.json', 'extension/media/icon.png']) {
      assert.ok(entries.includes(file), `${file} missing`);
    }
  });

  it('holds only this platform\'s native binaries, and tfjs-backend-wasm\'s wasm files beside its bundle', () => {
    const { entries } = vsixContents(vsix);
    const natives = entries.filter((entry) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(entry));
    assert.ok(natives.length > 0);
    for (const entry of natives) {
      assert.ok(entry.includes(`/${process.platform}/${process.arch}/`) || entry.includes(`sharp-${target}`) || entry.includes(`sharp-libvips-${target}`), `a binary of another platform: ${entry}`);
    }
    const wasmDir = 'extension/dist/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
    for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'index.js']) assert.ok(entries.includes(`${wasmDir}${file}`), `${wasmDir}${file}`);
  });

  it('predicts with an ONNX and a tfjs model and hovers, from the unpacked copy alone', () => {
    const cli = path.join(installed, 'extension', 'dist', 'cli.js');
    const run = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [cli, ...args, '--json'], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } }));
    const predicted = run('predict', sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'));
    assert.equal(predicted.results[0].outputs[0].top[0].index, 281);
    const { dir, modelJson } = writeNsfwjsModelJson();
    try {
      const tfjs = run('predict', modelJson, sharedImage('kitten_224.png'));
      assert.match(tfjs.provider, /^tfjs wasm/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const sample = path.join(installed, 'extension', 'sample-workspace', 'cnn_pytorch.py');
    const line = fs.readFileSync(sample, 'utf8').split('\n').findIndex((text) => text.includes('nn.Conv2d(1, 32')) + 1;
    const hover = run('hover', sample, String(line), String(fs.readFileSync(sample, 'utf8').split('\n')[line - 1].indexOf('Conv2d') + 2));
    assert.match(hover.markdown, /320 parameters/, 'Conv2d(1, 32, kernel_size=3) has 320 parameters');
  });
});
