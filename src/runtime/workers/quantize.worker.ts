import { serveJob } from '../jobs/serve-job';
import { runQuantize } from '../quantize';
import type { QuantizeConfig, QuantizeEvent } from '../quantize/types';

// Progress messages carry the typed event as JSON, so the panel can draw stages and counts. The extension runs this as a
// child process (cancelling kills it); it runs as a worker thread too.
serveJob((config: QuantizeConfig, progress) => runQuantize(config, (event: QuantizeEvent) => progress(JSON.stringify(event), event.type === 'progress' ? 1 : undefined)));
