import { inspectModel } from '../inspect';
import { serveWorkerJob } from '../jobs/serve-job';

serveWorkerJob((input: { file: string }, progress) => {
  progress(`Reading ${input.file}`);
  return inspectModel(input.file);
});
