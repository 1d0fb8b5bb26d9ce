import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobControl } from '../../extension/job-control';
import { TrainJob } from '../../runtime/jobs/train-job';
import type { ExecutionConfig } from '../../runtime/onnx/execution';
import type { ExplainResponse, PreviewResponse } from '../../runtime/preview/jobs';
import { readCheckpoint } from '../../runtime/train/checkpoint';
import { isFinalStatus } from '../../runtime/train/events';
import type { TrainConfig } from '../../runtime/train/types';
import type { TrainToolRequest } from '../../runtime/workers/train-tools.worker';
import type { InterruptedRun } from './protocol';

/**
 * The window's training run (one at a time, outliving the panel so that a reopened panel reconnects to it) and the
 * Train panel's one-shot jobs.
 */
export class TrainRuns implements vscode.Disposable {
  private job: TrainJob | undefined;
  private nextId = 1;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly jobs: JobControl,
    private readonly execution: () => Promise<ExecutionConfig>,
    readonly builtinModel: string,
    private readonly createSampleDatasetCommand: () => Promise<string | undefined>,
    private readonly log: (line: string) => void,
  ) {}

  get current(): TrainJob | undefined {
    return this.job;
  }

  isActive(): boolean {
    return this.job !== undefined && !isFinalStatus(this.job.status);
  }

  async start(config: TrainConfig): Promise<TrainJob> {
    if (this.isActive()) throw new Error(vscode.l10n.t('A run is already going; stop it first.'));
    const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'workers', 'train.js').fsPath;
    const job = new TrainJob(this.nextId++, config, script, await this.execution());
    this.job = job;
    this.log(`Train: run ${job.id} started: ${path.basename(config.model)} on ${config.data} → ${config.out}`);
    job.onEvent((event) => {
      if (event.type === 'epoch') this.log(`Train: epoch ${event.metrics.epoch}: loss ${event.metrics.loss.toFixed(4)}, val accuracy ${(100 * event.metrics.valAccuracy).toFixed(1)}% on ${event.metrics.provider}; checkpoint ${event.checkpoint}`);
      else if (event.type === 'finished') this.log(`Train: wrote ${event.summary.output}`);
      else if (event.type === 'stopped') this.log(`Train: stopped${event.checkpoint ? `; checkpoint ${event.checkpoint}` : ' before the first epoch ended'}`);
      else if (event.type === 'error') this.log(`Train: failed: ${event.message}`);
    });
    return job;
  }

  /**
   * The checkpoint a run left when its window closed (the output was never written), so the panel restored after a
   * reload can offer to continue it.
   */
  interruptedRun(out: string | null): InterruptedRun | null {
    if (!out || fs.existsSync(out)) return null;
    const checkpoint = path.join(`${out}.checkpoints`, 'last.ckpt');
    if (!fs.existsSync(checkpoint)) return null;
    try {
      const { epoch, history } = readCheckpoint(checkpoint);
      return { checkpoint, epoch, history };
    } catch (error) {
      this.log(`Train: ${checkpoint} cannot be read: ${(error as Error).message}`);
      return null;
    }
  }

  augmentationPreview(config: TrainConfig): Promise<{ png: string }> {
    const request: TrainToolRequest = {
      action: 'augmentPreview',
      config: { model: config.model, data: config.data, augment: config.augment, valSplit: config.valSplit, seed: config.seed, preprocessing: config.preprocessing },
    };
    return this.jobs.run<{ png: string }>(vscode.l10n.t('Augmentation preview'), 'train-tools', request);
  }

  async explain(model: string, image: string): Promise<ExplainResponse> {
    const response = await this.jobs.run<PreviewResponse>(vscode.l10n.t('Grad-CAM of {0}', path.basename(image)), 'preview', { action: 'explain', model, image, method: 'gradcam' });
    if (response.action !== 'explain') throw new Error(vscode.l10n.t('The explain job answered with predictions.'));
    return response;
  }

  createSampleDataset(): Promise<string | undefined> {
    return this.createSampleDatasetCommand();
  }

  dispose(): void {
    void this.job?.terminate();
  }
}
