// Trainers: what turns a flywheel round's export into the model that samples the next round.
export {
  isFinished,
  type Trainer,
  type TrainerJob,
  type TrainerJobStatus,
  type TrainerStartInput,
  type TrainerWaitOptions,
} from './trainer.ts';
export { openaiTrainer, OPENAI_TRAINER, type OpenAiTrainerOptions, type Hyperparameter } from './openai.ts';
export { commandTrainer, COMMAND_TRAINER, type CommandTrainerOptions } from './command.ts';
export { noneTrainer, NONE_TRAINER } from './none.ts';
export { parseTrainerSpec, type TrainerSpecOptions } from './spec.ts';
export { trainedModelId } from './model-id.ts';
