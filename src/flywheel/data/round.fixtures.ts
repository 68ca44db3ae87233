/** Hand-built tasks, replies and verdicts for the data layer's tests. */
import type { FlywheelTask, Sample, Verdict, VerifierName } from '../types.ts';

export function task(id: string, fields: Partial<FlywheelTask> = {}): FlywheelTask {
  return { id, source: 'hand-built.jsonl', prompt: `Question ${id}?`, kind: 'answer', answer: '7', ...fields };
}

export function sample(taskId: string, index: number, text: string, answer?: string, round = 1): Sample {
  return { taskId, round, index, model: 'policy-r0', temperature: 0.8, text, answer, tokens: 10, costUsd: 0 };
}

export function verdict(taskId: string, index: number, passed: boolean, verifier: VerifierName = 'answer-numeric', round = 1): Verdict {
  return { taskId, round, index, verifier, passed };
}

/** Replies to `taskId` giving `answers` in order, each with its own wording, and their verdicts against `correct`. */
export function replies(
  taskId: string,
  answers: readonly string[],
  correct: string | undefined,
  verifier: VerifierName = 'answer-numeric',
): { samples: Sample[]; verdicts: Verdict[] } {
  const samples = answers.map((answer, index) =>
    sample(taskId, index, `Reply ${index} to ${taskId}: working it out gives ${answer}.`, answer),
  );
  const verdicts = correct === undefined ? [] : answers.map((answer, index) => verdict(taskId, index, answer === correct, verifier));
  return { samples, verdicts };
}
