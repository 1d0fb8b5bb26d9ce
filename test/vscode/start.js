// `npm start`: VS Code (code-server) in the browser with CNN Studio installed, opened on sample-workspace/.
// Runs until Ctrl-C. CNN_STUDIO_PORT (default 8080) and CNN_STUDIO_HOST (default 127.0.0.1) choose the address.
require('../unit/register.js');
const path = require('node:path');
const { ensureHarness } = require('./installer.ts');
const paths = require('./paths.ts');
const { freePort } = require('./processes.ts');
const { startCodeServer } = require('./servers.ts');

async function portOrFree(wanted) {
  const net = require('node:net');
  const free = await new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false)).listen(wanted, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

async function main() {
  ensureHarness();
  const host = process.env.CNN_STUDIO_HOST ?? '127.0.0.1';
  const port = await portOrFree(Number(process.env.CNN_STUDIO_PORT ?? 8080));
  // A profile kept between runs, so settings and open editors survive a restart.
  const workDir = path.join(paths.cacheDir, 'demo-profile');
  require('node:fs').mkdirSync(workDir, { recursive: true });
  const server = await startCodeServer({ workspace: paths.sampleWorkspace, host, port, workDir });
  const shownHost = host === '0.0.0.0' ? require('node:os').hostname() : host;
  console.log(`\nCNN Studio is running in VS Code: http://${shownHost}:${port}/?folder=${encodeURIComponent(paths.sampleWorkspace)}`);
  console.log(`Open it in a browser; click a model in models/ to inspect it. Log: ${server.process.logFile}. Ctrl-C stops it.`);
  // Stop also when the process that started this one (npm, a terminal) goes away without passing a signal on.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) server.stop().finally(() => process.exit(0));
  }, 2000).unref();
  const { code, signal } = await server.process.exited;
  console.error(`code-server stopped (code ${code}, signal ${signal}); see ${server.process.logFile}`);
  process.exit(1);
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
