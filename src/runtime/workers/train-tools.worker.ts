// The Train panel's one-shot jobs: the augmentation preview grid and the sample digits folder.
import { serveWorkerJob } from '../jobs/serve-job';
import { augmentationPreview } from '../train/augment-preview';
import { writeSampleDataset } from '../train/sample-dataset';
import type { TrainConfig } from '../train/types';

export type TrainToolRequest =
  | { action: 'augmentPreview'; config: Pick<TrainConfig, 'model' | 'data' | 'augment' | 'valSplit' | 'seed' | 'preprocessing'> }
  | { action: 'sampleDataset'; dir: string; perClass: number };

serveWorkerJob(async (request: TrainToolRequest, progress) => {
  if (request.action === 'augmentPreview') return augmentationPreview(request.config);
  progress(`Writing ${request.perClass * 10} digits`);
  return writeSampleDataset(request.dir, { perClass: request.perClass });
});
