import { inspectModel } from '../inspect';
import { serveWorkerJob } from '../jobs/serve-job';

serveWorkerJob((input: { file: string; dims?: Record<string, number> }, progress) => {
  progress(`Reading ${input.file}`);
  return inspectModel(input.file, { dims: input.dims });
});
