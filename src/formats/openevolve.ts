import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExperimentInput } from '../core/experiment.ts';
import { defaultFeatureAxes } from '../core/feature-grid.ts';
import { compact, type MapContext, type MappedConfig } from './mapped.ts';
import { openEvolveModelId } from './models.ts';
import { mapOpenEvolveLlm, seconds } from './openevolve-llm.ts';
import type { ConfigReader, KeyPath } from './reader.ts';

/**
 * OpenEvolve's defaults where they differ from Ouroboros's and change how a folder runs: its
 * evaluator may take five minutes, its cascade is on (for evaluators that define
 * `evaluate_stage1`) with these thresholds, its MAP-Elites grid has five islands, and a run stops
 * after 10,000 iterations (Ouroboros has no evaluation limit unless one is set).
 */
const OPENEVOLVE_DEFAULTS = { timeoutSeconds: 300, cascadeThresholds: [0.5, 0.75, 0.9], islands: 5, iterations: 10_000 };

/**
 * Maps an OpenEvolve `config.yaml` (already in `reader`; an empty reader for a folder without one)
 * to an Ouroboros config. OpenEvolve always runs a MAP-Elites grid with islands, so the archive is
 * always `map-elites`; every other setting maps only when the file gives it.
 */
export function mapOpenEvolve(reader: ConfigReader, context: MapContext): MappedConfig {
  const notes: string[] = [];
  const { models, llm } = mapOpenEvolveLlm(reader, notes);
  const iterations = reader.number(['max_iterations'], { integer: true, min: 1 });
  // OpenEvolve's system message replaces its whole system prompt; here it becomes the description,
  // which the built-in system template shows as what is evolved and how it is scored, after its
  // own lines on EVOLVE blocks. What the user wrote reaches the model either way.
  const description = reader.string(['prompt', 'system_message']) ?? reader.string(['llm', 'system_message']);
  const input: ExperimentInput = {
    name: basename(context.dir),
    description,
    genome: [context.initial],
    evaluator: context.evaluator,
    budget: { evaluations: iterations ?? OPENEVOLVE_DEFAULTS.iterations },
    archive: mapArchive(reader, context, notes),
    operators: operators(reader, context, models !== undefined),
    models,
    llm,
    novelty: mapNovelty(reader),
    evaluation: mapEvaluation(reader, context),
  };
  if (iterations !== undefined) reader.origin('budget.evaluations', ['max_iterations']);
  reader.use(['language']);
  switchedOff(reader);
  const seed =
    reader.number(['random_seed'], { integer: true, min: 0 }) ?? reader.number(['database', 'random_seed'], { integer: true, min: 0 });
  return {
    format: 'openevolve',
    configFile: reader.file ?? join(context.dir, context.evaluator),
    input: compact(input),
    unmapped: reader.unmapped(),
    notes,
    ...(seed === undefined ? {} : { seed }),
    origins: reader.origins,
  };
}

function mapArchive(reader: ConfigReader, context: MapContext, notes: string[]): ExperimentInput['archive'] {
  const database = (key: string): KeyPath => ['database', key];
  const islands = reader.number(database('num_islands'), { integer: true, min: 1 }) ?? OPENEVOLVE_DEFAULTS.islands;
  const archive = compact({
    kind: 'map-elites' as const,
    islands,
    features: features(reader, context, notes),
    migrationInterval: reader.number(database('migration_interval'), { integer: true, min: 1 }),
    migrationRate: reader.number(database('migration_rate'), { min: 0, max: 1 }),
    exploitation: reader.number(database('exploitation_ratio'), { min: 0, max: 1 }),
  });
  reader.origin('archive.islands', database('num_islands'));
  reader.origin('archive.migrationInterval', database('migration_interval'));
  reader.origin('archive.migrationRate', database('migration_rate'));
  reader.origin('archive.exploitation', database('exploitation_ratio'));
  return archive;
}

/**
 * `feature_dimensions` as feature axes. OpenEvolve's `complexity` is the program's length in
 * characters, which is Ouroboros's built-in `length` feature; it is binned, as the engine's own
 * default axis is, from half to twice the initial program's length (OpenEvolve stretches its
 * ranges to the values seen, which a fixed grid cannot). `diversity` (edit distance to other
 * programs) and `score` have no feature here. Any other name is a metric the evaluator returns,
 * whose range nobody wrote down: it gets 0 to 1, and a note asks for the real range.
 */
function features(
  reader: ConfigReader,
  context: MapContext,
  notes: string[],
): Array<{ name: string; min: number; max: number; bins: number }> | undefined {
  const dimensionsPath: KeyPath = ['database', 'feature_dimensions'];
  const dimensions = reader.list(dimensionsPath);
  const binsValue = reader.peek(['database', 'feature_bins']);
  const binsOf = (name: string): number => {
    if (typeof binsValue === 'object' && binsValue !== null) {
      return reader.number(['database', 'feature_bins', name], { integer: true, min: 1 }) ?? 10;
    }
    return reader.number(['database', 'feature_bins'], { integer: true, min: 1 }) ?? 10;
  };
  // Without dimensions OpenEvolve uses complexity and diversity: the engine's default axis, unless bins are given.
  if (dimensions === undefined && binsValue === undefined) return undefined;
  const names = dimensions ?? ['complexity', 'diversity'];
  const axes: Array<{ name: string; min: number; max: number; bins: number }> = [];
  names.forEach((name, index) => {
    const path: KeyPath = dimensions ? [...dimensionsPath, index] : dimensionsPath;
    if (typeof name !== 'string') reader.fail(path, `expected a feature name, got ${JSON.stringify(name)}`);
    if (name === 'diversity' || name === 'score') return;
    if (dimensions) reader.use(path);
    if (name === 'complexity') {
      const text = readFileSync(join(context.dir, context.initial), 'utf8');
      const [length] = defaultFeatureAxes({ [context.initial]: text });
      axes.push({ ...(length as { name: string; min: number; max: number }), bins: binsOf(name) });
      return;
    }
    axes.push({ name, min: 0, max: 1, bins: binsOf(name) });
    notes.push(
      `archive.features[${axes.length - 1}] (${name}): range 0..1 is a guess, since OpenEvolve scales a feature to the values it ` +
        'sees; set its min and max to the values the evaluator returns',
    );
  });
  return axes.length > 0 ? axes : undefined;
}

function mapNovelty(reader: ConfigReader): ExperimentInput['novelty'] {
  const name = reader.string(['database', 'embedding_model']);
  const embeddings = name === undefined ? undefined : openEvolveModelId(reader.string(['database', 'embedding_api_base']), name);
  // OpenEvolve compares embeddings by cosine when it has an embedding model; without one the
  // closest check here is the token n-gram similarity, on the same 0..1 scale.
  const field = embeddings === undefined ? 'threshold' : 'embeddingThreshold';
  const similarity = reader.number(['database', 'similarity_threshold']);
  reader.origin(`novelty.${field}`, ['database', 'similarity_threshold']);
  const novelty = compact({ embeddings, [field]: similarity });
  return Object.keys(novelty).length > 0 ? novelty : undefined;
}

function mapEvaluation(reader: ConfigReader, context: MapContext): ExperimentInput['evaluation'] {
  const evaluator = (key: string): KeyPath => ['evaluator', key];
  const timeoutMs = seconds(reader, evaluator('timeout'), 'evaluation.timeoutMs') ?? OPENEVOLVE_DEFAULTS.timeoutSeconds * 1000;
  const cascade = reader.boolean(evaluator('cascade_evaluation')) ?? true;
  const thresholds = reader.numbers(evaluator('cascade_thresholds'));
  reader.origin('evaluation.cascadeThresholds', evaluator('cascade_thresholds'));
  // OpenEvolve runs the cascade only for evaluators that define its first stage.
  const staged = /^def\s+evaluate_stage1\s*\(/m.test(readFileSync(join(context.dir, context.evaluator), 'utf8'));
  reader.origin('evaluation.concurrency', evaluator('parallel_evaluations'));
  reader.origin('evaluation.memoryMb', evaluator('memory_limit_mb'));
  return compact({
    protocol: 'openevolve' as const,
    timeoutMs,
    cascadeThresholds: cascade && staged ? (thresholds ?? OPENEVOLVE_DEFAULTS.cascadeThresholds) : undefined,
    concurrency: reader.number(evaluator('parallel_evaluations'), { integer: true, min: 1 }),
    memoryMb: reader.number(evaluator('memory_limit_mb'), { integer: true }),
  });
}

/**
 * `diff_based_evolution`: OpenEvolve's model writes either SEARCH/REPLACE diffs or whole programs,
 * which are Ouroboros's `llm-diff` and `llm-rewrite`. Named only when the config has models, and
 * always with the embedded operators, which cost nothing and work beside either.
 */
function operators(reader: ConfigReader, context: MapContext, hasModels: boolean): string[] | undefined {
  if (!hasModels) return undefined;
  const diff = reader.boolean(['diff_based_evolution']);
  if (diff === undefined) return undefined;
  return [...context.embeddedOperators, diff ? 'llm-diff' : 'llm-rewrite'];
}

/**
 * Settings that, at these values, switch off something Ouroboros does not do, or ask for what it
 * always does (prompts are stored, artifacts reach prompts, edits stay inside EVOLVE blocks): nothing is lost.
 */
function switchedOff(reader: ConfigReader): void {
  const at = (path: KeyPath, value: unknown, alsoUse: KeyPath[] = []): void => {
    if (reader.peek(path) !== value) return;
    reader.use(path);
    for (const other of alsoUse) reader.use(other);
  };
  at(['evaluator', 'use_llm_feedback'], false, [['evaluator', 'llm_feedback_weight']]);
  at(['evaluator', 'distributed'], false);
  at(['evaluator', 'enable_artifacts'], true);
  at(['prompt', 'include_artifacts'], true);
  at(['database', 'log_prompts'], true);
  at(['enforce_evolve_blocks'], true);
  at(['evolution_trace', 'enabled'], false, [['evolution_trace']]);
  if (reader.peek(['early_stopping_patience']) === undefined) {
    reader.use(['convergence_threshold']);
    reader.use(['early_stopping_metric']);
  }
}
