// Runs as a forked child process, not a worker thread: a GPU driver that crashes while probing takes down only this process.
import { serveChildJob } from '../jobs/serve-job';
import { probeRuntime } from '../probe/runtime-info';

serveChildJob(() => probeRuntime());
