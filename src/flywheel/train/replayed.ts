/**
 * The trainer of a replayed flywheel: each round's job ends as the recorded run's did, with the
 * model it produced, and no service or command is touched.
 */
import { OuroError } from '../../core/errors.ts';
import type { StoredJob } from '../store.ts';
import { checkStartInput, newJob, updatedJob, type Trainer, type TrainerJob, type TrainerStartInput } from './trainer.ts';

export const REPLAYED_TRAINER = 'replayed';

/**
 * A trainer that answers from `recorded`, the job updates of the run being replayed.
 *
 * @example
 * const trainer = replayedTrainer(flywheel.jobs(recordedRunId), recordedRunId);
 */
export function replayedTrainer(recorded: readonly StoredJob[], runId: string): Trainer {
  return {
    name: REPLAYED_TRAINER,
    async start(input: TrainerStartInput): Promise<TrainerJob> {
      checkStartInput(input);
      const last = recorded.filter((job) => job.round === input.round).at(-1);
      if (last === undefined || (last.status !== 'succeeded' && last.status !== 'failed')) {
        throw new OuroError('replay-invalid', `replay: run ${runId} has no finished training job for round ${input.round}`, {
          field: 'replay',
        });
      }
      const job = newJob(REPLAYED_TRAINER, input.round, { replayOf: runId, recordedJob: last.id, exportFile: input.exportFile });
      return updatedJob(job, {
        status: last.status,
        ...(last.model ? { model: last.model } : {}),
        ...(last.error ? { error: last.error } : {}),
      });
    },
    async wait(job: TrainerJob): Promise<TrainerJob> {
      return job;
    },
  };
}
