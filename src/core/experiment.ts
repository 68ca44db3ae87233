import { z } from 'zod';
import type { ArchiveFactory } from './archive.ts';
import type { Operator } from './operator.ts';

const featureAxis = z
  .object({
    name: z.string().min(1),
    min: z.number(),
    max: z.number(),
    bins: z.number().int().positive().default(10),
  })
  .refine((axis) => axis.max > axis.min, { message: 'max must be greater than min' });

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
  z.object({
    /** GEPA's archive: parents from the candidates that score best on some instance (`instances`). */
    kind: z.literal('pareto'),
    /** Also count each candidate's overall score as an instance, so the best-scoring one always stays. */
    scoreAsInstance: z.boolean().default(false),
  }),
]);

const BUILT_IN_ARCHIVES = ['dgm', 'greedy', 'map-elites', 'pareto'];

/** Why a value is neither a built-in archive config nor an archive factory: the union's message. */
function archiveProblem(value: unknown): string {
  const kinds = BUILT_IN_ARCHIVES.map((kind) => `'${kind}'`).join(', ');
  const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  if (typeof fields?.selectParents === 'function') {
    return (
      'pass a function that returns a new archive, such as `archive: () => new MyArchive()`, not an archive object: each session ' +
      'of a run (a resume too) builds its archive afresh and refills it from the store'
    );
  }
  if (fields && 'kind' in fields)
    return `kind must be one of ${kinds} (got ${JSON.stringify(fields.kind)}), or archive must be a function that returns an Archive`;
  return `expected { kind: ${kinds.replace(/, /g, ' | ')}, ... } or a function that returns an Archive`;
}

/**
 * A built-in archive by its config, or a factory for an archive written in code. Not a plain
 * union: an archive object of a built-in kind would pass as that kind's config, its own
 * settings silently replaced by the defaults.
 */
const archiveField = z
  .custom<z.input<typeof archiveConfig> | ArchiveFactory>(() => true)
  .superRefine((value, context) => {
    if (typeof value === 'function') return;
    const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    if (typeof fields?.selectParents === 'function' || !fields || !BUILT_IN_ARCHIVES.includes(fields.kind as string)) {
      context.addIssue({ code: 'custom', message: archiveProblem(value) });
      return;
    }
    for (const issue of archiveConfig.safeParse(value).error?.issues ?? []) {
      context.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
    }
  })
  .transform((value) => (typeof value === 'function' ? value : archiveConfig.parse(value)));

const OPERATOR_NAME = /^[A-Za-z0-9][\w.-]*$/;

/** Why a value cannot stand in `operators`, or undefined when it can: a name, or an `Operator` object. */
export function operatorProblem(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? undefined : 'an operator name cannot be empty';
  if (value === null || typeof value !== 'object') {
    return `expected an operator name or an Operator object ({ name, arity, propose }), got ${value === null ? 'null' : typeof value}`;
  }
  const operator = value as Record<string, unknown>;
  if (typeof operator.name !== 'string' || !OPERATOR_NAME.test(operator.name)) {
    return (
      `an Operator object needs a name such as "double-number" (letters, digits, ".", "_" and "-"), got ` +
      `${JSON.stringify(operator.name)}`
    );
  }
  const label = `operator "${operator.name}"`;
  if (operator.name === 'initial') return `${label}: the name "initial" is kept for a run's initial genome`;
  if (operator.arity !== 1 && operator.arity !== 2)
    return `${label}: arity must be 1 (a mutation) or 2 (a crossover), got ${JSON.stringify(operator.arity)}`;
  if (typeof operator.propose !== 'function')
    return `${label}: propose must be a function (context) => Promise<{ genome, description } | { failure }>`;
  if (operator.canEdit !== undefined && typeof operator.canEdit !== 'function')
    return `${label}: canEdit must be a function (file) => boolean`;
  if (
    operator.languages !== undefined &&
    !(Array.isArray(operator.languages) && operator.languages.every((language) => typeof language === 'string'))
  ) {
    return `${label}: languages must be an array of strings, such as ['Python']`;
  }
  if (operator.usesModel !== undefined && typeof operator.usesModel !== 'boolean') return `${label}: usesModel must be true or false`;
  if (operator.parentSource !== undefined && operator.parentSource !== 'archive' && operator.parentSource !== 'failures') {
    return `${label}: parentSource must be 'archive' or 'failures'`;
  }
  return undefined;
}

/** Operator names and objects, each name once: the bandit and the store tell operators apart by name. */
const operatorsField = z
  .array(
    z.custom<string | Operator>((value) => operatorProblem(value) === undefined, {
      error: (issue) => operatorProblem(issue.input) ?? 'not an operator',
    }),
  )
  .min(1)
  .superRefine((entries, context) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      if (seen.has(name)) context.addIssue({ code: 'custom', path: [index], message: `operator "${name}" is listed twice` });
      seen.add(name);
    });
  });

const priceConfig = z
  .object({
    /** US dollars per million input tokens. */
    input: z.number().min(0),
    /** US dollars per million output tokens. */
    output: z.number().min(0),
  })
  .strict();

const modelObject = z
  .object({
    /** `openai:gpt-4.1-mini`, `anthropic:claude-sonnet-4-5` or `compat:http://127.0.0.1:11434/v1#qwen2.5-coder`. */
    id: z.string().min(1),
    /** Environment variable holding the key; the provider's usual one by default. */
    apiKeyEnv: z.string().min(1).optional(),
    /** Prompt plus reply, in tokens; prompts are trimmed to fit. */
    contextWindow: z.number().int().positive().optional(),
    /** Per-call cap on reply tokens. */
    maxOutputTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Overrides the built-in price table for this model. */
    price: priceConfig.optional(),
  })
  .strict();

/** A model as named in a config: the id string alone, or an object with settings. */
export const modelConfigSchema = z.union([
  z
    .string()
    .min(1)
    .transform((id) => ({ id })),
  modelObject,
]);

const llmConfig = z
  .object({
    /** Wall-clock limit of one attempt of one call. */
    timeoutMs: z.number().int().positive().default(120_000),
    /** Attempts per call, the first included, on 429, 5xx, timeouts and dropped connections. */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Default per-call cap on reply tokens. */
    maxOutputTokens: z.number().int().positive().default(4096),
    /** Price overrides by model id (`openai:gpt-4.1-mini`), US dollars per million tokens. */
    prices: z.record(z.string(), priceConfig).default({}),
  })
  .strict();

const budgetConfig = z
  .object({
    evaluations: z.number().int().positive().optional(),
    /** Input plus output tokens over all model calls. */
    tokens: z.number().int().positive().optional(),
    /** US dollars over all model calls, from the price table. */
    costUsd: z.number().positive().optional(),
    /** Milliseconds, or a string such as `90s`, `2m`. */
    wallTime: z.union([z.number().positive(), z.string()]).optional(),
    targetScore: z.number().optional(),
  })
  .strict();

export const experimentSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Genome files, relative to the experiment folder. Each needs an EVOLVE block. */
    genome: z.array(z.string().min(1)).min(1),
    /**
     * The evaluator, relative to the experiment folder: a TypeScript or JavaScript module, or a
     * Python file (`evaluate.py`), which runs in the process tier beside the candidate's files.
     */
    evaluator: z.string().min(1).default('evaluate.ts'),
    /**
     * The Python interpreter for a Python evaluator: a path (a virtual environment's `bin/python`)
     * or a name on PATH. `--python` on the command line replaces it. Default: `python3` on PATH.
     */
    python: z.string().min(1).optional(),
    budget: budgetConfig.default({}),
    /**
     * A built-in archive by kind, or a function that returns a new `Archive` (one written in code).
     * The function is called once per session of a run, before the run's history is replayed into it.
     */
    archive: archiveField.default({ kind: 'dgm', lambda: 10 }),
    /**
     * Operator names, and `Operator` objects written in code, in any mix. When omitted: every
     * embedded operator, plus every LLM operator when a model is configured.
     */
    operators: operatorsField.optional(),
    /** Models for LLM operators; `--model` on the command line replaces them. */
    models: z.array(modelConfigSchema).optional(),
    llm: llmConfig.default({ timeoutMs: 120_000, attempts: 3, maxOutputTokens: 4096, prices: {} }),
    /** Folder of prompt templates that override the built-in ones (`<operator>.md`). */
    prompts: z.string().min(1).default('prompts'),
    novelty: z
      .object({
        /**
         * Token n-gram Jaccard similarity at or above which a proposal counts as a near-duplicate.
         * Changing one token changes about n of the region's n-grams: in a 300-token EVOLVE region a
         * one-number edit scores about 0.98, so 0.99 lets small real edits through and stops
         * rewordings, comment-only and whitespace-only changes.
         */
        threshold: z.number().gt(0).max(1).default(0.99),
        ngram: z.number().int().min(1).max(8).default(3),
        /** How many recent candidates a proposal is compared with, besides its parents. */
        window: z.number().int().min(0).default(64),
        /**
         * Which proposals the near-duplicate check applies to. Embedded operators change one token
         * by design, so by default only LLM proposals are checked; exact duplicates always are.
         */
        scope: z.enum(['llm', 'all']).default('llm'),
        /**
         * An embedding model (`openai:text-embedding-3-small`, `compat:<url>#nomic-embed-text`): when
         * set, a proposal is also a near-duplicate when its EVOLVE text's embedding has a cosine of at
         * least `embeddingThreshold` with a recent candidate's. Embeddings are cached in the database.
         */
        embeddings: z.string().min(1).optional(),
        embeddingThreshold: z.number().gt(0).max(1).default(0.99),
      })
      .strict()
      .default({ threshold: 0.99, ngram: 3, window: 64, scope: 'llm', embeddingThreshold: 0.99 }),
    lessons: z
      .object({
        /** A meta step writes lessons every this many evaluations; 0 turns lessons off. */
        every: z.number().int().min(0).default(200),
        /** At most this many lessons are kept and shown. */
        max: z.number().int().min(1).max(10).default(3),
      })
      .strict()
      .default({ every: 200, max: 3 }),
    bandit: z
      .object({
        /**
         * Cost in US dollars that halves a proposal's reward: reward = improved / (1 + cost / costScale).
         */
        costScale: z.number().positive().default(0.01),
      })
      .strict()
      .default({ costScale: 0.01 }),
    evaluation: z
      .object({
        /** Per-candidate wall-clock limit, all stages included. */
        timeoutMs: z.number().int().positive().default(10_000),
        /** Per-worker memory limit (V8 heap and resident set). */
        memoryMb: z.number().int().min(32).default(512),
        /** Evaluations in parallel; defaults to the number of cores. */
        concurrency: z.number().int().positive().optional(),
        /**
         * The scores that can be real. A score outside is recorded as `invalid`: a candidate that
         * found a way to forge its score, or an evaluator bug, never enters the archive.
         */
        scoreRange: z.object({ min: z.number().optional(), max: z.number().optional() }).strict().optional(),
        /**
         * How a Python evaluator is called: `ouro` (`evaluate(program_path, context)` returning a
         * dict, with optional `STAGES`), `openevolve` (`evaluate(program_path)` and the cascade
         * `evaluate_stage1/2/3`) or `shinka` (`main(program_path, results_dir)` writing metrics.json).
         */
        protocol: z.enum(['ouro', 'openevolve', 'shinka']).default('ouro'),
        /**
         * OpenEvolve's cascade: the score `evaluate_stage<n>` must reach for stage n+1 to run. Unset:
         * `evaluate` alone is called.
         */
        cascadeThresholds: z.array(z.number()).optional(),
        /**
         * Start the next Python evaluator sandboxes ahead of time, with the evaluator imported, so that
         * a candidate pays only for its own work. Each sandbox still serves one candidate.
         */
        warm: z.boolean().default(true),
        /**
         * Metric names kept out of every prompt (stored and shown in the dashboard only), added to the
         * ones an evaluator marks private itself: a defence against candidates tuned to a leaked metric.
         */
        privateMetrics: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ timeoutMs: 10_000, memoryMb: 512, protocol: 'ouro', warm: true, privateMetrics: [] }),
    proposal: z
      .object({
        /** Proposals in parallel (embedded operators are quick; LLM ones are not). */
        concurrency: z.number().int().positive().default(1),
        /**
         * The run stops when this many proposals in a row fail or repeat a genome already seen.
         * Embedded proposals cost well under a millisecond, and an archive that keeps choosing the
         * same few elites repeats itself often, so the default is generous.
         */
        maxConsecutiveFailures: z.number().int().positive().default(10_000),
        /**
         * The run stops when this many LLM proposals in a row fail or repeat a genome: each one costs
         * a model call, and a streak this long means the model or its server is not working for this
         * experiment. Embedded proposals in between neither count nor reset the streak.
         */
        maxConsecutiveModelFailures: z.number().int().positive().default(50),
        /**
         * Each LLM child is the best of this many proposals (infer's bestOfN): the one least like its
         * parents and the recent candidates (token n-gram similarity), never a genome already seen.
         * It spends that many model calls per child to buy diversity before paying for an evaluation.
         */
        bestOfN: z.number().int().min(1).max(16).default(1),
        /**
         * Evolve the LLM operators' prompt templates as a second population: each built-in LLM
         * operator keeps a few templates, a bandit picks one per proposal, and the model and
         * prune-tokens vary the favourite every `promptEvery` proposals of that operator. Off by
         * default (left out, nothing about a run changes).
         */
        evolvePrompts: z.boolean({ error: 'must be true or false' }).optional(),
        /** With `evolvePrompts`: an operator's LLM proposals between two variations of its templates (default 20). */
        promptEvery: z
          .number({ error: 'must be a number of proposals, such as 20' })
          .int({ error: 'must be a whole number of proposals' })
          .min(1, { error: 'must be at least 1' })
          .optional(),
        /**
         * With `evolvePrompts`: templates kept per operator (default 6). A variant added beyond this
         * retires the one with the lowest mean reward; the operator's own first template is never retired.
         */
        maxTemplates: z
          .number({ error: 'must be a number of templates, such as 6' })
          .int({ error: 'must be a whole number of templates' })
          .min(2, { error: 'must be at least 2: the first template and one variant' })
          .max(100, { error: 'must be at most 100' })
          .optional(),
      })
      .strict()
      .default({ concurrency: 1, maxConsecutiveFailures: 10_000, maxConsecutiveModelFailures: 50, bestOfN: 1 }),
    /** The best published score, drawn as a reference line and printed beside results. */
    bestKnown: z.object({ score: z.number(), source: z.string() }).optional(),
    /** The experiment's own options, accepted by `ouro run` as flags. */
    options: z
      .custom<z.ZodObject>((value) => value instanceof z.ZodObject, {
        message: 'options must be a zod object schema, such as z.object({ instances: z.string().optional() })',
      })
      .optional(),
  })
  .strict();

export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ArchiveConfig = z.output<typeof archiveConfig>;
export type FeatureAxisConfig = z.output<typeof featureAxis>;
export type ModelConfig = z.output<typeof modelObject>;
export type PriceConfig = z.output<typeof priceConfig>;
export type LlmConfig = z.output<typeof llmConfig>;

/**
 * Declares an experiment in `ouro.config.ts`. It returns the config as written, typed;
 * validation with field-level messages happens when the experiment is loaded.
 *
 * @example
 * export default defineExperiment({
 *   name: 'circle-packing',
 *   genome: ['pack.js'],
 *   budget: { evaluations: 2000 },
 *   operators: ['perturb-number', doubleNumber], // names and Operator objects
 *   archive: () => new GreedyArchive({ k: 5 }),  // or { kind: 'greedy', k: 5 }
 * });
 */
export function defineExperiment<T extends ExperimentInput>(config: T): T {
  return config;
}

/** Turns zod issues into lines that name the field, such as `budget.evaluations: expected number` or `operators[2]: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? fieldName(issue.path) : '(root)'}: ${issue.message}`).join('\n');
}

/**
 * A config path as it is written in the config: `archive.k`, `operators[2]`, `models[0].id`.
 *
 * @example
 * fieldName(['operators', 2]); // 'operators[2]'
 */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name === '' ? String(key) : `${name}.${String(key)}`;
  }, '');
}
