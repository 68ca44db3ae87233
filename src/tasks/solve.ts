/**
 * The solver's attempts at a valid task: n replies from the solver model, each checked by the
 * flywheel's own verifiers (tests in the sandbox for code, the final answer for math and
 * deduction), and each stored as it is checked, so that a resumed run asks only what it lacks.
 */
import { mapWithLimit } from '../core/concurrency.ts';
import type { ModelHandle } from '../core/model.ts';
import { answerVerifier, chooseVerifier, executionVerifier, type FlywheelTask, type Sample, type Verifier } from '../flywheel/index.ts';
import { toFlywheelTask } from './convert.ts';
import type { StoredAttempt, TasksStore } from './store.ts';
import type { GeneratedTask } from './types.ts';

/** The operator the solver's calls are booked under. */
export const SOLVE_OPERATOR = 'solve';

const ANSWER_FORMAT = 'Work it out step by step, then end with one line of the form "Answer: <value>".';

/** One checked attempt, with the reply (kept in the run's model calls too). */
export interface Attempt extends StoredAttempt {
  text: string;
}

export interface SolveOptions {
  runId: string;
  store: TasksStore;
  model: ModelHandle;
  attempts: number;
  concurrency: number;
  temperature: number;
  unsafe?: boolean;
}

/** The verifiers a generated task can need, strongest first. */
export function solverVerifiers(unsafe?: boolean): Verifier[] {
  return [
    answerVerifier({ mode: 'numeric' }),
    answerVerifier({ mode: 'normalised' }),
    executionVerifier({ concurrency: 1, ...(unsafe ? { unsafe: true } : {}) }),
  ];
}

/** The messages the solver is asked a task with. */
export function solverMessages(task: FlywheelTask): Array<{ role: 'system' | 'user'; content: string }> {
  return [...(task.kind === 'answer' ? [{ role: 'system' as const, content: ANSWER_FORMAT }] : []), { role: 'user', content: task.prompt }];
}

/**
 * Attempts `task` until it has `attempts` stored attempts by this model; returns them all, in index
 * order (those stored by an earlier session included, their text empty).
 */
export async function solveAttempts(
  task: GeneratedTask,
  options: SolveOptions,
  verifiers = solverVerifiers(options.unsafe),
): Promise<Attempt[]> {
  const flywheelTask = toFlywheelTask(task);
  const verifier = chooseVerifier(flywheelTask, verifiers);
  if (verifier === undefined) throw new Error(`task ${task.id}: no verifier can check it`);
  const stored = new Map(
    options.store
      .attempts(options.runId, task.id)
      .filter((attempt) => attempt.model === options.model.id)
      .map((attempt) => [attempt.index, attempt]),
  );
  const missing = Array.from({ length: options.attempts }, (_, index) => index).filter((index) => !stored.has(index));
  const fresh = await mapWithLimit(missing, options.concurrency, async (index): Promise<Attempt> => {
    const completion = await options.model.complete({
      messages: solverMessages(flywheelTask),
      operator: SOLVE_OPERATOR,
      proposal: `${task.id}:${index}`,
      temperature: options.temperature,
    });
    const sample: Sample = {
      taskId: task.id,
      round: 0,
      index,
      model: options.model.id,
      temperature: options.temperature,
      text: completion.text,
      tokens: completion.usage.inputTokens + completion.usage.outputTokens,
      costUsd: completion.costUsd,
    };
    const [verdict] = await verifier.verify(flywheelTask, [sample]);
    const attempt: Attempt = {
      taskId: task.id,
      model: options.model.id,
      index,
      passed: verdict?.passed === true,
      detail: `${verdict?.verifier ?? verifier.name}: ${verdict?.detail ?? ''}`.slice(0, 500),
      tokens: sample.tokens,
      costUsd: sample.costUsd,
      text: completion.text,
    };
    const { text: _text, ...record } = attempt;
    options.store.recordAttempt(options.runId, record);
    return attempt;
  });
  const all = [...[...stored.values()].map((attempt) => ({ ...attempt, text: '' })), ...fresh];
  return all.sort((a, b) => a.index - b.index);
}
