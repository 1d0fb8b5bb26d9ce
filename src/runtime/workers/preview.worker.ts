import { serveWorkerJob } from '../jobs/serve-job';
import { runPreviewRequest, type PreviewRequest } from '../predict/preview-jobs';

serveWorkerJob((input: PreviewRequest, progress) => runPreviewRequest(input, progress));
