import { serveWorkerJob } from '../jobs/serve-job';
import { runPreviewRequest, type PreviewRequest } from '../preview/jobs';

serveWorkerJob((input: PreviewRequest, progress) => runPreviewRequest(input, progress));
