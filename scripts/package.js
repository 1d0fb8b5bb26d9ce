// `node scripts/package.js [--target linux-x64|linux-arm64|darwin-arm64|darwin-x64|win32-x64] [--out DIR]`:
// builds a platform-specific .vsix. The extension's own code is bundled by esbuild; the packages it loads at run time
// go into dist/node_modules (found from dist/*.js and dist/workers/*.js by Node's lookup) with only the target's
// native binaries: onnxruntime-node's and sharp's. Each tfjs package is bundled into one file (they share tfjs-core,
// so each stays a package of its own), with tfjs-backend-wasm's .wasm files beside its bundle. Fails over budget.
const { execFileSync } = require('node:child_process');
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const MAX_BYTES = 30 * 1024 * 1024;
const MAX_FILES = 1000;
const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', sharp: ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'] },
  'linux-arm64': { platform: 'linux', arch: 'arm64', sharp: ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64'] },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', sharp: ['@img/sharp-darwin-arm64', '@img/sharp-libvips-darwin-arm64'] },
  'darwin-x64': { platform: 'darwin', arch: 'x64', sharp: ['@img/sharp-darwin-x64', '@img/sharp-libvips-darwin-x64'] },
  'win32-x64': { platform: 'win32', arch: 'x64', sharp: ['@img/sharp-win32-x64'] },
};
/** The tfjs packages the extension loads, each bundled alone; the others of this list stay external to it. */
const TFJS_PACKAGES = [
  '@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-data', '@tensorflow/tfjs-layers',
];
/** Packages copied as they are (small), with what they need at run time. */
const COPIED_PACKAGES = ['onnxruntime-node', 'onnxruntime-common', 'sharp', '@img/colour', 'detect-libc', 'semver'];
/** Files of the extension itself, beside package.json. */
const EXTENSION_FILES = ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.nls.json', 'l10n', 'dist', 'media', 'snippets', 'sample-workspace'];

function parseArguments(argv) {
  const options = { target: `${process.platform}-${process.arch}`, out: root };
  for (let index = 0; index < argv.length; index += 2) {
    if (argv[index] === '--target') options.target = argv[index + 1];
    else if (argv[index] === '--out') options.out = path.resolve(argv[index + 1]);
    else throw new Error(`unknown argument ${argv[index]}`);
  }
  if (!TARGETS[options.target]) throw new Error(`unknown target ${options.target}; one of ${Object.keys(TARGETS).join(', ')}`);
  return options;
}

function packageDir(name) {
  const dir = path.join(root, 'node_modules', name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new Error(`${name} is not installed; for another platform's package run \`npm install --os=OS --cpu=CPU ${name}\` first`);
  }
  return dir;
}

/** Copies a package without what only development needs (source maps, type declarations, docs). */
function copyPackage(name, nodeModules, keep = () => true) {
  const from = packageDir(name);
  const to = path.join(nodeModules, name);
  fs.cpSync(from, to, {
    recursive: true,
    filter: (file) => {
      const relative = path.relative(from, file);
      if (relative === '') return true;
      if (/(\.map|\.d\.ts|\.d\.mts|\.d\.cts|\.md)$/i.test(file) && !/license/i.test(path.basename(file))) return false;
      return keep(relative.split(path.sep).join('/'));
    },
  });
  return to;
}

async function bundleTfjsPackage(name, nodeModules) {
  const from = packageDir(name);
  const manifest = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8'));
  const to = path.join(nodeModules, name);
  fs.mkdirSync(path.join(to, 'dist'), { recursive: true });
  await esbuild.build({
    entryPoints: [require.resolve(name, { paths: [root] })],
    outfile: path.join(to, 'dist', 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    external: TFJS_PACKAGES.filter((other) => other !== name),
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify({ name, version: manifest.version, license: manifest.license, main: 'dist/index.js' }, null, 2)}\n`);
  // The multi-threaded wasm build needs worker threads tfjs does not start in Node (it runs the SIMD build there).
  for (const file of fs.readdirSync(path.join(from, 'dist')).filter((entry) => entry.endsWith('.wasm') && !entry.includes('threaded'))) {
    fs.copyFileSync(path.join(from, 'dist', file), path.join(to, 'dist', file));
  }
  if (fs.existsSync(path.join(from, 'LICENSE'))) fs.copyFileSync(path.join(from, 'LICENSE'), path.join(to, 'LICENSE'));
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(file) : [file];
  });
}

/** Entries and size of a .vsix (a zip), read with unzip. */
function vsixContents(vsix) {
  const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter((line) => line && !line.endsWith('/'));
  return { files: entries.length, bytes: fs.statSync(vsix).size, entries };
}

/**
 * Rewrites the .vsix with deflate level 9 (vsce writes level 6): the native libraries shrink by about 600 KB, which
 * keeps the package within budget. Entries, their order and attributes stay as vsce wrote them. Needs python3's
 * zipfile; without python3 the package stays as vsce made it.
 */
function recompress(vsix) {
  const script = [
    'import os, sys, zipfile',
    'source, target = sys.argv[1], sys.argv[1] + ".tmp"',
    'with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:',
    '    for info in zin.infolist():',
    '        entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)',
    '        entry.external_attr = info.external_attr',
    '        entry.compress_type = zipfile.ZIP_DEFLATED',
    '        zout.writestr(entry, zin.read(info.filename), compresslevel=9)',
    'os.replace(target, source)',
  ].join('\n');
  try {
    execFileSync('python3', ['-c', script, vsix], { stdio: 'inherit' });
  } catch (error) {
    console.warn(`the .vsix keeps vsce's compression (python3 could not recompress it: ${error.message.split('\n')[0]})`);
  }
}

async function main() {
  const { target, out } = parseArguments(process.argv.slice(2));
  const { platform, arch, sharp } = TARGETS[target];
  execFileSync(process.execPath, [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });

  const stage = path.join(root, '.package', target);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const name of EXTENSION_FILES) {
    // The README's screenshot is for the repository page; the marketplace needs a repository URL to show it.
    fs.cpSync(path.join(root, name), path.join(stage, name), { recursive: true, filter: (file) => !file.endsWith('.map') && !file.endsWith('screenshot-inspector.png') });
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  delete manifest.dependencies;
  delete manifest.bin;
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const nodeModules = path.join(stage, 'dist', 'node_modules');
  const binaries = `bin/napi-v6/${platform}/${arch}/`;
  copyPackage('onnxruntime-node', nodeModules, (file) => !file.startsWith('bin/') || `${file}/`.startsWith(binaries) || binaries.startsWith(`${file}/`));
  // Install-time dependencies of onnxruntime-node (adm-zip, global-agent) are not needed to run it.
  for (const name of COPIED_PACKAGES.slice(1)) copyPackage(name, nodeModules);
  for (const name of sharp) copyPackage(name, nodeModules);
  for (const name of TFJS_PACKAGES) await bundleTfjsPackage(name, nodeModules);

  const vsix = path.join(out, `${manifest.name}-${target}-${manifest.version}.vsix`);
  fs.mkdirSync(out, { recursive: true });
  const vsce = ['npx', '--yes', '@vscode/vsce@3', 'package', '--target', target, '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix];
  execFileSync(process.execPath, [path.join(root, 'test', 'vscode', 'with-node24.js'), ...vsce], { cwd: stage, stdio: 'inherit' });

  recompress(vsix);
  const { files, bytes } = vsixContents(vsix);
  const staged = listFiles(stage).length;
  console.log(`${path.relative(process.cwd(), vsix)}: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${files} files (${staged} staged)`);
  const over = [bytes > MAX_BYTES ? `${(bytes / 1024 / 1024).toFixed(1)} MB > 30 MB` : '', files > MAX_FILES ? `${files} files > ${MAX_FILES}` : ''].filter(Boolean);
  if (over.length > 0) throw new Error(`${path.basename(vsix)} is over budget: ${over.join(', ')}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}

module.exports = { TARGETS, MAX_BYTES, MAX_FILES, vsixContents };
