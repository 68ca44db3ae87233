/**
 * Sampling: K replies per task from the round's policy model, with bounded concurrency. Each reply
 * is stored the moment it arrives, so a resumed round asks only for the samples it lacks.
 */
import { mapWithLimit } from '../core/concurrency.ts';
import type { ChatMessage, ModelHandle } from '../core/model.ts';
import type { Split, StoredSample } from './store.ts';
import type { FlywheelTask } from './types.ts';
import { numericAnswer, textAnswer } from './verify/index.ts';

export interface SampleJob {
  task: FlywheelTask;
  index: number;
  split: Split;
  kind: StoredSample['kind'];
  temperature: number;
  /** The messages to send; the task's own by default (a rationalisation sends the hinted prompt). */
  messages?: ChatMessage[];
}

/** The messages a task is asked with. */
export function taskMessages(task: FlywheelTask, prompt = task.prompt): ChatMessage[] {
  return [...(task.system ? [{ role: 'system' as const, content: task.system }] : []), { role: 'user', content: prompt }];
}

/** The final answer a reply states, for answer tasks; code tasks are compared by their verdicts only. */
export function answerOfReply(task: FlywheelTask, text: string): string | undefined {
  if (task.kind !== 'answer') return undefined;
  return numericAnswer(text) ?? textAnswer(text);
}

/**
 * The jobs still missing: for each task, indexes 0..count-1 of `kind` that `have` lacks.
 *
 * @example
 * missingJobs(tasks, 4, 'train', 'sample', 0.8, store.samples(runId, round));
 */
export function missingJobs(
  tasks: readonly FlywheelTask[],
  count: number,
  split: Split,
  kind: StoredSample['kind'],
  temperature: number,
  have: readonly StoredSample[],
): SampleJob[] {
  const done = new Set(have.filter((sample) => sample.kind === kind).map((sample) => `${sample.taskId}\0${sample.index}`));
  const jobs: SampleJob[] = [];
  for (const task of tasks) {
    for (let index = 0; index < count; index++) {
      if (!done.has(`${task.id}\0${index}`)) jobs.push({ task, index, split, kind, temperature });
    }
  }
  return jobs;
}

/**
 * Runs the jobs, at most `concurrency` at a time, storing each reply as it arrives. A failed call
 * (a spent budget, an HTTP error after its retries) stops the others from starting and is thrown
 * once the ones in flight have ended, so every answered call is kept.
 */
export async function runSampleJobs(
  jobs: readonly SampleJob[],
  options: { model: ModelHandle; round: number; concurrency: number; operator: string; store: (sample: StoredSample) => void },
): Promise<void> {
  await mapWithLimit(jobs, options.concurrency, async (job) => {
    const completion = await options.model.complete({
      messages: job.messages ?? taskMessages(job.task),
      operator: options.operator,
      proposal: `${options.round}:${job.task.id}:${job.index}`,
      temperature: job.temperature,
    });
    const answer = answerOfReply(job.task, completion.text);
    options.store({
      taskId: job.task.id,
      round: options.round,
      index: job.index,
      kind: job.kind,
      split: job.split,
      model: options.model.id,
      temperature: job.temperature,
      text: completion.text,
      ...(answer === undefined ? {} : { answer }),
      tokens: completion.usage.inputTokens + completion.usage.outputTokens,
      costUsd: completion.costUsd,
    });
  });
}
