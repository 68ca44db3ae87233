/** Options of `validateTask`, with their defaults in one place. */
import { z } from 'zod';
import { gradeTask } from '../../agents/index.ts';
import { DEFAULT_TASK_TIMEOUT_MS } from '../../agents/index.ts';
import { OuroError } from '../../core/errors.ts';
import { NEAR_DUPLICATE_DEFAULT } from './dedup.ts';

/** Grades one solution against a task's hidden tests; `gradeTask` unless a test replaces it. */
export type Grader = typeof gradeTask;

export interface ValidateOptions {
  /** Grade without bubblewrap where it is missing: the task's code is then not isolated. */
  unsafe?: boolean;
  /** Wall-clock limit of one grading run, in ms. Default 5000. */
  timeoutMs?: number;
  /** Memory limit of one grading run, in MB; the sandbox's default when unset. */
  memoryMb?: number;
  /** Similarity to a kept task at or above which a task is a near-duplicate, in (0, 1]. Default 0.9. */
  nearDuplicate?: number;
  /** Gradings of one coding task run at once. Default 2. */
  concurrency?: number;
  /** Replaces `gradeTask`, for tests of how validation handles a sandbox that fails. */
  grade?: Grader;
}

export interface ValidateSettings {
  unsafe: boolean;
  timeoutMs: number;
  memoryMb: number | undefined;
  nearDuplicate: number;
  concurrency: number;
  grade: Grader;
}

/** The isolate that runs answer and triple programs: small, since they compute one value. */
export const ISOLATE_LIMITS = { memoryMb: 64, timeoutMs: 1_000 } as const;

const schema = z.strictObject({
  unsafe: z.boolean().optional(),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
  memoryMb: z.number().int().min(16).optional(),
  nearDuplicate: z.number().gt(0).max(1).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  grade: z.custom<Grader>((value) => typeof value === 'function', 'a function').optional(),
});

/** The options with defaults filled in; throws `OuroError('option-invalid')` naming the field. */
export function validateSettings(options: ValidateOptions = {}): ValidateSettings {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || '(options)';
    throw new OuroError('option-invalid', `validateTask option "${field}": ${issue?.message ?? 'invalid'}`, { field });
  }
  const given = parsed.data;
  return {
    unsafe: given.unsafe ?? false,
    timeoutMs: given.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    memoryMb: given.memoryMb,
    nearDuplicate: given.nearDuplicate ?? NEAR_DUPLICATE_DEFAULT,
    concurrency: given.concurrency ?? 2,
    grade: given.grade ?? gradeTask,
  };
}
