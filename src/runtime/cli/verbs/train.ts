import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { oneOf, PREPROCESSING_FLAGS, PREPROCESSING_USAGE, preprocessingOverrides } from '../../images/flags';
import { SMALL_CNN_NAME } from '../../train/builtin-small-cnn';
import { parseAugmentList } from '../../train/data/augment';
import { stepEngineFactory } from '../../train/engines';
import { findRunLearningRate, TrainControl, train } from '../../train/trainer';
import type { LossName, OptimizerName, ScheduleName, TrainConfig, TrainEvent } from '../../train/types';

export const TRAIN_USAGE = `train MODEL(.onnx|${SMALL_CNN_NAME}) --data DIR [--val-split R] [--epochs N] [--batch B] [--lr X] [--optimizer sgd|adam|adamw] [--momentum M] [--nesterov] [--weight-decay W] [--schedule constant|step|cosine|one-cycle] [--step-size E] [--gamma G] [--warmup E] [--loss cross-entropy|focal|binary-cross-entropy] [--multi-label] [--label-smoothing E] [--class-weights balanced|w1,w2,...] [--oversample] [--augment flip,rotate,shift,scale,color,noise,cutout (name=strength)] [--freeze-until LAYER] [--new-head] [--freeze-batchnorm] [--teacher MODEL] [--temperature T] [--alpha A] [--early-stopping E] [--seed S] [--watch IMAGE]... [--resume CKPT] [--config F] [--find-lr] ${PREPROCESSING_USAGE} --out FILE --json`;

const OPTIONS = {
  ...PREPROCESSING_FLAGS,
  data: { type: 'string' },
  'val-split': { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  'weight-decay': { type: 'string' },
  schedule: { type: 'string' },
  'step-size': { type: 'string' },
  gamma: { type: 'string' },
  warmup: { type: 'string' },
  loss: { type: 'string' },
  'multi-label': { type: 'boolean' },
  'label-smoothing': { type: 'string' },
  'class-weights': { type: 'string' },
  oversample: { type: 'boolean' },
  augment: { type: 'string' },
  'freeze-until': { type: 'string' },
  'new-head': { type: 'boolean' },
  'freeze-batchnorm': { type: 'boolean' },
  teacher: { type: 'string' },
  temperature: { type: 'string' },
  alpha: { type: 'string' },
  'early-stopping': { type: 'string' },
  seed: { type: 'string' },
  watch: { type: 'string', multiple: true },
  resume: { type: 'string' },
  config: { type: 'string' },
  'find-lr': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function number(flag: string, text: string | undefined, check: (value: number) => boolean = Number.isFinite): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!check(value)) throw new Error(`--${flag} got "${text}", which is not a valid value`);
  return value;
}

function optionalOneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  return text === undefined ? undefined : oneOf(flag, text, allowed);
}

/** A run's JSON config file; its relative paths are relative to the file's folder. */
export function readTrainConfig(file: string): Partial<TrainConfig> {
  if (!fs.existsSync(file)) throw new Error(`config file ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object (a training config)`);
  const config = parsed as Partial<TrainConfig>;
  const base = path.dirname(path.resolve(file));
  const resolve = (value: string | undefined) => (value === undefined || value === SMALL_CNN_NAME ? value : path.resolve(base, value));
  return {
    ...config,
    model: resolve(config.model), data: resolve(config.data), out: resolve(config.out), teacher: resolve(config.teacher), resume: resolve(config.resume),
    watchImages: config.watchImages?.map((image) => resolve(image)!),
  };
}

/** The run from the flags, over the config file's values when --config is given (flags win). */
export function trainConfigFromArgs(argv: string[]): { config: TrainConfig; findLr: boolean; json: boolean } {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (positionals.length > 1) throw new Error(`train takes one MODEL, got ${positionals.join(' ')}`);
  const file = values.config ? readTrainConfig(values.config) : {};
  const positive = (value: number) => Number.isInteger(value) && value > 0;
  const classWeights = values['class-weights'] === undefined ? undefined
    : values['class-weights'] === 'balanced' ? 'balanced' as const
      : values['class-weights'].split(',').map((part) => number('class-weights', part, (v) => Number.isFinite(v) && v >= 0)!);
  const preprocessing = preprocessingOverrides(values);
  const flags: Partial<TrainConfig> = {
    model: positionals[0],
    data: values.data,
    out: values.out,
    valSplit: number('val-split', values['val-split'], (v) => v >= 0 && v < 1),
    epochs: number('epochs', values.epochs, positive),
    batchSize: number('batch', values.batch, positive),
    learningRate: number('lr', values.lr, (v) => v >= 0),
    optimizer: optionalOneOf<OptimizerName>('optimizer', values.optimizer, ['sgd', 'adam', 'adamw']),
    momentum: number('momentum', values.momentum, (v) => v >= 0 && v < 1),
    nesterov: values.nesterov,
    weightDecay: number('weight-decay', values['weight-decay'], (v) => v >= 0),
    schedule: optionalOneOf<ScheduleName>('schedule', values.schedule, ['constant', 'step', 'cosine', 'one-cycle']),
    stepSize: number('step-size', values['step-size'], positive),
    gamma: number('gamma', values.gamma, (v) => v > 0),
    warmupEpochs: number('warmup', values.warmup, (v) => v >= 0),
    loss: optionalOneOf<LossName>('loss', values.loss, ['cross-entropy', 'focal', 'binary-cross-entropy']),
    multiLabel: values['multi-label'],
    labelSmoothing: number('label-smoothing', values['label-smoothing'], (v) => v >= 0 && v < 1),
    classWeights,
    oversample: values.oversample,
    augment: values.augment === undefined ? undefined : parseAugmentList(values.augment),
    freezeUntil: values['freeze-until'],
    newHead: values['new-head'],
    freezeBatchNorm: values['freeze-batchnorm'],
    teacher: values.teacher,
    temperature: number('temperature', values.temperature, (v) => v > 0),
    alpha: number('alpha', values.alpha, (v) => v >= 0 && v <= 1),
    earlyStopping: number('early-stopping', values['early-stopping'], positive),
    seed: number('seed', values.seed, Number.isInteger),
    resume: values.resume,
    watchImages: values.watch,
    preprocessing: Object.keys(preprocessing).length > 0 ? { ...file.preprocessing, ...preprocessing } : undefined,
  };
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const config = { ...file, ...given } as TrainConfig;
  const findLr = values['find-lr'] ?? false;
  if (!config.model && !config.resume) throw new Error(`train needs a MODEL (an .onnx file or ${SMALL_CNN_NAME})`);
  if (!config.data) throw new Error('train needs --data DIR (a folder with one subfolder per class)');
  if (!config.out && !findLr) throw new Error('train needs --out FILE (a new file for the trained model)');
  return { config, findLr, json: values.json ?? false };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function describe(event: TrainEvent): string | undefined {
  switch (event.type) {
    case 'started': return `training on ${event.trainImages} images (${event.valImages} for validation), ${event.classes.length} classes${event.labelling ? ` (${event.labelling})` : ''}, ${event.provider} (${event.device})`;
    case 'epoch': {
      const m = event.metrics;
      if (m.valMicroF1 !== undefined) {
        return `epoch ${m.epoch}: loss ${fixed(m.loss, 4)} exact match ${fixed(m.accuracy * 100, 2)}% · val loss ${fixed(m.valLoss, 4)} exact match ${fixed(m.valAccuracy * 100, 2)}% micro-F1 ${fixed(m.valMicroF1, 3)} macro-F1 ${fixed(m.valMacroF1 ?? Number.NaN, 3)} mAP ${fixed(m.valMeanAP ?? Number.NaN, 3)} · ${Math.round(m.imagesPerSec)} images/s`;
      }
      return `epoch ${m.epoch}: loss ${fixed(m.loss, 4)} accuracy ${fixed(m.accuracy * 100, 2)}% · val loss ${fixed(m.valLoss, 4)} accuracy ${fixed(m.valAccuracy * 100, 2)}% · ${Math.round(m.imagesPerSec)} images/s`;
    }
    case 'stopped': return `stopped; the last checkpoint is ${event.checkpoint || '(none: no epoch completed)'}`;
    case 'finished': {
      const multi = event.summary.multiLabel;
      return `wrote ${event.summary.output} (${multi ? `val micro-F1 ${fixed(multi.microF1, 3)}, mAP ${fixed(multi.meanAveragePrecision, 3)}` : `val accuracy ${fixed(event.summary.valAccuracy * 100, 2)}%`})`;
    }
    default: return undefined;
  }
}

/** `train`: trains a model on a folder of class subfolders, printing one line per epoch and a summary. */
export async function trainVerb(argv: string[]): Promise<number> {
  const { config, findLr, json } = trainConfigFromArgs(argv);
  if (findLr) {
    const curve = await findRunLearningRate(config, { createEngine: stepEngineFactory() });
    if (json) console.log(JSON.stringify({ type: 'learning-rate-finder', ...curve }));
    else console.log(`suggested learning rate ${curve.suggested.toPrecision(3)} (${curve.points.length} steps${curve.diverged ? ', stopped at divergence' : ''})`);
    return 0;
  }
  const control = new TrainControl();
  // The first Ctrl+C stops after the current step and keeps the last checkpoint; a second one ends the process.
  const onInterrupt = () => {
    if (control.stopping) process.exit(130);
    control.stop();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const summary = await train(config, {
      createEngine: stepEngineFactory(),
      control,
      onEvent: (event) => {
        if (event.type === 'started' && event.skipped.length > 0) {
          for (const { file, reason } of event.skipped) console.error(`skipped ${file}: ${reason}`);
        }
        if (json && event.type === 'started' && event.multiLabel) console.error(`data: ${event.labelling}`);
        if (json) {
          if (event.type === 'epoch') console.log(JSON.stringify({ type: 'epoch', ...event.metrics, checkpoint: event.checkpoint }));
          else if (event.type === 'finished') console.log(JSON.stringify({ type: 'summary', ...event.summary }));
          else if (event.type === 'stopped') console.log(JSON.stringify({ type: 'stopped', checkpoint: event.checkpoint }));
        } else {
          const line = describe(event);
          if (line) console.log(line);
        }
      },
    });
    return summary ? 0 : 1;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
