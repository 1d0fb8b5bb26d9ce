// The two ways the tests run a real VS Code: the bundled VS Code server in test-driver mode (extension tests inside
// the extension host) and code-server (the full product in a browser, where webviews load).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { node24Env } from './installer';
import * as paths from './paths';
import { ProcessGroup, freePort, startProcessGroup, stopProcessGroup, waitForHttp } from './processes';

export interface RunningServer {
  port: number;
  /** The workbench address with the workspace folder opened. */
  url: string;
  workDir: string;
  process: ProcessGroup;
  stop(): Promise<void>;
}

const serverStartTimeoutMs = 90_000;

function makeWorkDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function isolatedEnv(workDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...node24Env(),
    XDG_CONFIG_HOME: path.join(workDir, 'config'),
    XDG_DATA_HOME: path.join(workDir, 'data'),
    XDG_CACHE_HOME: path.join(workDir, 'cache'),
    ...extra,
  };
}

function stopper(handle: ProcessGroup, workDir: string, keepWorkDir: boolean): () => Promise<void> {
  return async () => {
    await stopProcessGroup(handle);
    if (!keepWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
  };
}

/**
 * The VS Code server bundled in code-server, started for extension tests: the page given by
 * extensionTestUrl() loads the extension from the repository and runs the tests at testsPath in its host.
 */
export async function startVscodeTestServer(options: { env?: NodeJS.ProcessEnv; workspace?: string } = {}): Promise<RunningServer & { extensionTestUrl(testsPath: string): string }> {
  const workDir = makeWorkDir('cnn-studio-vscode-');
  const port = await freePort();
  const args = [
    paths.vscodeServerMain,
    '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--user-data-dir', path.join(workDir, 'user-data'),
    '--server-data-dir', path.join(workDir, 'server-data'),
    '--extensions-dir', path.join(workDir, 'extensions'),
  ];
  const handle = startProcessGroup(paths.node24Bin, args, { env: isolatedEnv(workDir, options.env), logFile: path.join(workDir, 'server.log') });
  const base = `http://127.0.0.1:${port}`;
  const stop = stopper(handle, workDir, false);
  try {
    await waitForHttp(`${base}/version`, handle, { timeoutMs: serverStartTimeoutMs, what: 'the VS Code server' });
  } catch (error) {
    await stop();
    throw error;
  }
  const workspace = options.workspace ?? paths.sampleWorkspace;
  const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${file}`;
  return {
    port,
    url: `${base}/?folder=${encodeURIComponent(workspace)}`,
    workDir,
    process: handle,
    stop,
    extensionTestUrl(testsPath: string) {
      const payload = [['extensionDevelopmentPath', remote(paths.repoRoot)], ['extensionTestsPath', remote(testsPath)]];
      return `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
  };
}

const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * code-server with this repository installed as an extension (a link in its extensions folder, so a rebuild is
 * picked up on reload), or with `vsix` installed by `code-server --install-extension`, opened on workspace. Set host
 * to 0.0.0.0 to reach it from another machine.
 */
export async function startCodeServer(options: { workspace?: string; port?: number; host?: string; workDir?: string; vsix?: string } = {}): Promise<RunningServer> {
  const keepWorkDir = options.workDir !== undefined;
  const workDir = options.workDir ?? makeWorkDir('cnn-studio-code-server-');
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = path.join(workDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2));
  if (options.vsix) {
    execFileSync(paths.node24Bin, [paths.codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', options.vsix], { env: isolatedEnv(workDir), stdio: 'pipe' });
  } else {
    const link = path.join(extensionsDir, paths.extensionFolderName);
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(paths.repoRoot, link, 'dir');
  }

  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const workspace = options.workspace ?? paths.sampleWorkspace;
  const args = [
    paths.codeServerEntry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--reconnection-grace-time', '5',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    workspace,
  ];
  const handle = startProcessGroup(paths.node24Bin, args, { env: isolatedEnv(workDir), logFile: path.join(workDir, 'code-server.log') });
  const stop = stopper(handle, workDir, keepWorkDir);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/healthz`, handle, { timeoutMs: serverStartTimeoutMs, what: 'code-server' });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `${base}/?folder=${encodeURIComponent(workspace)}`, workDir, process: handle, stop };
}
