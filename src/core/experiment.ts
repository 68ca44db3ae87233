import { z } from 'zod';

const featureAxis = z.object({
  name: z.string().min(1),
  min: z.number(),
  max: z.number(),
  bins: z.number().int().positive().default(10),
}).refine((axis) => axis.max > axis.min, { message: 'max must be greater than min' });

const archiveConfig = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dgm'),
    /** Sharpness of the sigmoid over (score - median) / MAD. */
    lambda: z.number().positive().default(10),
  }),
  z.object({
    kind: z.literal('greedy'),
    /** How many of the best candidates to keep and choose from. */
    k: z.number().int().positive().default(10),
  }),
  z.object({
    kind: z.literal('map-elites'),
    islands: z.number().int().positive().default(4),
    /** Feature axes; by default one axis over genome length around the initial genome's. */
    features: z.array(featureAxis).optional(),
    /** Migrate every this many archive additions. */
    migrationInterval: z.number().int().positive().default(50),
    /** Share of each island's elites copied to the next island at migration. */
    migrationRate: z.number().min(0).max(1).default(0.1),
    /** Probability of choosing the island's best elite instead of a random one. */
    exploitation: z.number().min(0).max(1).default(0.7),
  }),
]);

const budgetConfig = z.object({
  evaluations: z.number().int().positive().optional(),
  /** Milliseconds, or a string such as `90s`, `2m`. */
  wallTime: z.union([z.number().positive(), z.string()]).optional(),
  targetScore: z.number().optional(),
}).strict();

export const experimentSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Genome files, relative to the experiment folder. Each needs an EVOLVE block. */
  genome: z.array(z.string().min(1)).min(1),
  /** The evaluator module, relative to the experiment folder. */
  evaluator: z.string().min(1).default('evaluate.ts'),
  budget: budgetConfig.default({}),
  archive: archiveConfig.default({ kind: 'dgm', lambda: 10 }),
  /** Embedded operator names; all of them when omitted. */
  operators: z.array(z.string().min(1)).min(1).optional(),
  evaluation: z.object({
    /** Per-candidate wall-clock limit, all stages included. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Per-worker memory limit (V8 heap and resident set). */
    memoryMb: z.number().int().min(32).default(512),
    /** Evaluations in parallel; defaults to the number of cores. */
    concurrency: z.number().int().positive().optional(),
  }).strict().default({ timeoutMs: 10_000, memoryMb: 512 }),
  proposal: z.object({
    /** Proposals in parallel (embedded operators are quick; LLM ones are not). */
    concurrency: z.number().int().positive().default(1),
    /**
     * The run stops when this many proposals in a row fail or repeat a genome already seen.
     * Embedded proposals cost well under a millisecond, and an archive that keeps choosing the
     * same few elites repeats itself often, so the default is generous.
     */
    maxConsecutiveFailures: z.number().int().positive().default(10_000),
  }).strict().default({ concurrency: 1, maxConsecutiveFailures: 10_000 }),
  /** The best published score, drawn as a reference line and printed beside results. */
  bestKnown: z.object({ score: z.number(), source: z.string() }).optional(),
  /** The experiment's own options, accepted by `ouro run` as flags. */
  options: z.custom<z.ZodObject>((value) => value instanceof z.ZodObject, {
    message: 'options must be a zod object schema, such as z.object({ instances: z.string().optional() })',
  }).optional(),
}).strict();

export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ArchiveConfig = z.output<typeof archiveConfig>;
export type FeatureAxisConfig = z.output<typeof featureAxis>;

/**
 * Declares an experiment in `ouro.config.ts`. It returns the config as written, typed;
 * validation with field-level messages happens when the experiment is loaded.
 *
 * @example
 * export default defineExperiment({
 *   name: 'circle-packing',
 *   genome: ['pack.js'],
 *   budget: { evaluations: 2000 },
 * });
 */
export function defineExperiment<T extends ExperimentInput>(config: T): T {
  return config;
}

/** Turns zod issues into lines that name the field, such as `budget.evaluations: expected number`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}
