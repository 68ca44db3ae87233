/** The `none` trainer: the flywheel only exports, and the next round samples the same model. */
import { checkOwnJob, checkStartInput, newJob, updatedJob, type Trainer, type TrainerJob, type TrainerStartInput } from './trainer.ts';

export const NONE_TRAINER = 'none';

/**
 * A trainer that trains nothing: its job succeeds at once with the base model, so the export is
 * there for the user to train on elsewhere and the flywheel goes on sampling the model it had.
 *
 * @example
 * const job = await noneTrainer().start({ round: 2, exportFile: 'sft.jsonl', baseModel: 'openai:gpt-4.1-mini' });
 * job.status; // 'succeeded'
 * job.model; // 'openai:gpt-4.1-mini'
 */
export function noneTrainer(): Trainer {
  return {
    name: NONE_TRAINER,
    async start(input: TrainerStartInput): Promise<TrainerJob> {
      checkStartInput(input);
      const job = newJob(NONE_TRAINER, input.round, { exportFile: input.exportFile, baseModel: input.baseModel });
      return updatedJob(job, { status: 'succeeded', model: input.baseModel });
    },
    async wait(job: TrainerJob): Promise<TrainerJob> {
      checkOwnJob(NONE_TRAINER, job);
      return job;
    },
  };
}
