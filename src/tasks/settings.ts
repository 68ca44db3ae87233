/** The settings of a task-generation run, checked once: every bad value is named before any call. */
import { z } from 'zod';
import { OuroError } from '../core/errors.ts';
import { checkBounds } from './learnability.ts';
import { DIFFICULTIES, GENERATOR_KINDS, type Category, type Difficulty, type GeneratorKind } from './types.ts';

const GENERATED = GENERATOR_KINDS.filter((kind) => kind !== 'ladder') as [GeneratorKind, ...GeneratorKind[]];

const Settings = z.strictObject({
  /** The model that writes tasks. */
  proposer: z.string().min(1),
  /** The model that attempts them (the proposer when unset: one model playing both parts). */
  solver: z.string().min(1).optional(),
  /** Proposals in the run, LADDER's variants included. */
  proposals: z.number().int().min(1),
  /** What the curriculum chooses among, with the difficulties and topics. LADDER's variants come from `ladderDepth`. */
  generators: z.array(z.enum(GENERATED)).min(1),
  difficulties: z.array(z.enum(DIFFICULTIES as [Difficulty, ...Difficulty[]])).min(1),
  topics: z.array(z.string().min(1).max(40)).min(1),
  /** The solver's attempts at each valid task. */
  attempts: z.number().int().min(1).max(64),
  /** Attempts in flight at once. */
  concurrency: z.number().int().min(1).max(64),
  bounds: z.object({ low: z.number(), high: z.number() }),
  /** LADDER: a task too hard for the solver gets easier variants, recursively, this deep (0: none). */
  ladderDepth: z.number().int().min(0).max(5),
  /** SwS: a flywheel run whose failed samples the `sws` generator aims at. */
  failuresFrom: z.string().min(1).optional(),
  seed: z.number().int().min(0),
  proposerTemperature: z.number().min(0).max(2),
  solverTemperature: z.number().min(0).max(2),
  /** SEC's TD(0) step and softmax temperature. */
  alpha: z.number().gt(0).max(1),
  tau: z.number().gt(0),
  budget: z.object({ tokens: z.number().int().positive().optional(), costUsd: z.number().positive().optional() }),
  /** Run checks without bubblewrap where it is missing. */
  unsafe: z.boolean().optional(),
  /** `proposer-solver` records each proposal as a self-play episode (`ouro selfplay run`). */
  game: z.literal('proposer-solver').optional(),
});

export type TasksSettings = z.infer<typeof Settings>;

export const TASKS_DEFAULTS = {
  proposals: 20,
  generators: ['coding', 'math', 'triple'],
  difficulties: ['easy', 'medium'],
  topics: ['strings', 'arrays', 'arithmetic'],
  attempts: 4,
  concurrency: 2,
  bounds: { low: 0.1, high: 0.9 },
  ladderDepth: 2,
  seed: 0,
  proposerTemperature: 0.9,
  solverTemperature: 0.7,
  alpha: 0.5,
  tau: 0.4,
  budget: {},
} satisfies Omit<TasksSettings, 'proposer'>;

/**
 * Checks settings, naming the first bad field; the learnability bounds must lie strictly inside (0, 1), with
 * low below high, and `sws` needs a flywheel run to read failures from.
 */
export function checkTasksSettings(settings: unknown): TasksSettings {
  const parsed = Settings.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(settings)';
    throw new OuroError('option-invalid', `tasks settings: ${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  checkBounds(parsed.data.bounds);
  if (parsed.data.generators.includes('sws') && parsed.data.failuresFrom === undefined) {
    throw new OuroError('option-invalid', 'the sws generator aims at recorded failures: give --failures-from <flywheel run> or dgm:<run>', {
      field: 'failuresFrom',
    });
  }
  return parsed.data;
}

/** The curriculum's arms: every generator × difficulty × topic. */
export function armsOf(settings: TasksSettings): Category[] {
  return settings.generators.flatMap((generator) =>
    settings.difficulties.flatMap((difficulty) => settings.topics.map((topic) => ({ generator, difficulty, topic }))),
  );
}
