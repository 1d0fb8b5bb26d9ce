import { serveLongWorkerJob } from '../jobs/long-job';
import { stepEngineFactory } from '../train/engines';
import { isTrainCommand, type TrainWorkerInput } from '../train/messages';
import { TrainControl, train } from '../train/trainer';
import type { TrainCommand, TrainEvent, TrainSummary } from '../train/types';

// One training run per worker: pause/resume/stop arrive as commands, events stream back, the summary is the result.
serveLongWorkerJob<TrainWorkerInput, TrainCommand, TrainEvent, TrainSummary | null>(isTrainCommand, async (input, { emit, onCommand }) => {
  const control = new TrainControl();
  onCommand((command) => {
    if (command.type === 'pause') control.pause();
    else if (command.type === 'resume') control.resume();
    else control.stop();
  });
  try {
    return (await train(input.config, { createEngine: stepEngineFactory({ session: input.session }), onEvent: emit, control })) ?? null;
  } catch (error) {
    emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
});
