// Starting, waiting for and stopping the harness's server processes reliably.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

export interface ProcessGroup {
  child: ChildProcess;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (asked from the OS, so parallel runs do not collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ProcessGroup>();

/**
 * Spawns a command as the leader of its own process group, so that stopping it also stops every child it started
 * (code-server forks the extension host, file watchers and pty hosts). Output goes to logFile.
 */
export function startProcessGroup(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; logFile: string }): ProcessGroup {
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const handle: ProcessGroup = {
    child,
    logFile: options.logFile,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  running.add(handle);
  void handle.exited.then(() => running.delete(handle));
  return handle;
}

function signalGroup(handle: ProcessGroup, signal: NodeJS.Signals): void {
  if (handle.child.pid === undefined) return;
  try {
    process.kill(-handle.child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after graceMs. */
export async function stopProcessGroup(handle: ProcessGroup | undefined, graceMs = 5000): Promise<void> {
  if (!handle) return;
  signalGroup(handle, 'SIGTERM');
  await Promise.race([handle.exited, delay(graceMs)]);
  // The leader may exit before its children; a SIGKILL to the group reaches whatever is left.
  signalGroup(handle, 'SIGKILL');
  await handle.exited;
  running.delete(handle);
}

function stopAllNow(): void {
  for (const handle of running) signalGroup(handle, 'SIGKILL');
  running.clear();
}

// Never leave a server behind, whatever way this process ends.
process.on('exit', stopAllNow);
const signalExitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
for (const [signal, exitCode] of Object.entries(signalExitCodes)) {
  process.once(signal, () => {
    stopAllNow();
    process.exit(exitCode);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.setTimeout(2000, () => request.destroy());
  });
}

/** Copies every *.log file under fromDir into toDir, keeping relative paths (to keep a failed run's logs). */
export function copyLogs(fromDir: string, toDir: string): void {
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(toDir, path.relative(fromDir, source));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target);
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Waits until url answers with a status below 500; fails with the server's log tail when it exits or times out. */
export async function waitForHttp(url: string, handle: ProcessGroup, { timeoutMs = 60000, what = 'server' } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void handle.exited.then((result) => { exited = result; });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${what} exited (code ${exited.code}, signal ${exited.signal}) before answering ${url}.\nLast lines of ${handle.logFile}:\n${tail(handle.logFile)}`);
    }
    const status = await httpStatus(url);
    if (status !== undefined && status < 500) return;
    await delay(250);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s.\nLast lines of ${handle.logFile}:\n${tail(handle.logFile)}`);
}

/** Rejects with message when promise takes longer than ms. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms / 1000} s)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
