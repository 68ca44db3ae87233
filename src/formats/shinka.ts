import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExperimentInput } from '../core/experiment.ts';
import { compact, type MapContext, type MappedConfig, type ModelInput, modelEntry } from './mapped.ts';
import { shinkaEmbeddingModel, shinkaModel } from './models.ts';
import type { ConfigReader, KeyPath } from './reader.ts';

/**
 * ShinkaEvolve sets no limit on an evaluation; Ouroboros needs one, so a generous one stands in
 * until the config's `job_config.time` says otherwise.
 */
const SHINKA_TIMEOUT_MS = 600_000;
/** ShinkaEvolve's patch types and the Ouroboros operators that make the same kind of change. */
const PATCH_OPERATORS: Record<string, string> = { diff: 'llm-diff', full: 'llm-rewrite', cross: 'llm-crossover' };

/**
 * Maps a ShinkaEvolve config (its `shinka_run` YAML with `evo_config`, `db_config` and
 * `job_config`, the shorter `evo`/`db`/`job` spelling, or a Hydra task file) to an Ouroboros
 * config. ShinkaEvolve's `weighted` parent selection is the DGM's rule (a sigmoid of the score's
 * distance to the median, over the MAD, divided by 1 + children), so the archive is `dgm`.
 */
export function mapShinka(reader: ConfigReader, context: MapContext): MappedConfig {
  const evo = reader.section('evo_config', 'evo');
  const db = reader.section('db_config', 'db');
  const job = reader.section('job_config', 'job');
  const notes: string[] = [];
  const at = (section: string, key: string): KeyPath => [section, key];
  const models = mapModels(reader, evo);
  const input: ExperimentInput = {
    name: reader.string(['exp_name']) ?? basename(context.dir),
    description: reader.string(at(evo, 'task_sys_msg')),
    genome: [genomeFile(reader, at(evo, 'init_program_path'), context)],
    evaluator: evaluatorFile(reader, at(job, 'eval_program_path'), context),
    python: reader.string(at(job, 'python_executable')),
    budget: compact({
      evaluations: reader.number(at(evo, 'num_generations'), { integer: true, min: 1 }),
      costUsd: reader.number(at(evo, 'max_api_costs')),
    }),
    archive: mapArchive(reader, db),
    operators: operators(reader, at(evo, 'patch_types'), context, models !== undefined),
    models,
    llm: compact({ maxOutputTokens: reader.number([evo, 'llm_kwargs', 'max_tokens'], { integer: true, min: 1 }) }),
    lessons: compact({
      every: lessonsEvery(reader, at(evo, 'meta_rec_interval')),
      max: reader.number(at(evo, 'meta_max_recommendations'), { integer: true, min: 1 }),
    }),
    novelty: compact({
      embeddings: embeddings(reader, at(evo, 'embedding_model')),
      embeddingThreshold: reader.number(at(evo, 'code_embed_sim_threshold')),
    }),
    evaluation: compact({
      protocol: 'shinka' as const,
      timeoutMs: jobTime(reader, at(job, 'time')) ?? SHINKA_TIMEOUT_MS,
      concurrency: reader.number(['max_evaluation_jobs'], { integer: true, min: 1 }),
    }),
    proposal: compact({ concurrency: reader.number(['max_proposal_jobs'], { integer: true, min: 1 }) }),
  };
  const origins: Array<[string, KeyPath]> = [
    ['budget.evaluations', at(evo, 'num_generations')],
    ['budget.costUsd', at(evo, 'max_api_costs')],
    ['llm.maxOutputTokens', [evo, 'llm_kwargs', 'max_tokens']],
    ['lessons.every', at(evo, 'meta_rec_interval')],
    ['lessons.max', at(evo, 'meta_max_recommendations')],
    ['novelty.embeddingThreshold', at(evo, 'code_embed_sim_threshold')],
    ['evaluation.concurrency', ['max_evaluation_jobs']],
    ['proposal.concurrency', ['max_proposal_jobs']],
    ['python', at(job, 'python_executable')],
  ];
  for (const [field, path] of origins) reader.origin(field, path);
  // Ouroboros reads the language from the genome's file name, runs evaluations locally, and
  // always shows the evaluator's text feedback to the model.
  if (reader.peek(at(evo, 'job_type')) === 'local') reader.use(at(evo, 'job_type'));
  if (reader.peek(at(evo, 'use_text_feedback')) === true) reader.use(at(evo, 'use_text_feedback'));
  reader.use(at(evo, 'language'));
  return {
    format: 'shinka',
    configFile: reader.file ?? join(context.dir, context.evaluator),
    input: compact(input),
    unmapped: reader.unmapped(),
    notes,
    origins: reader.origins,
  };
}

/**
 * `llm_models` with the shared `llm_kwargs`. ShinkaEvolve draws a temperature per call from
 * `temperatures`; one value (or one repeated) is each model's temperature, several are left unmapped.
 * `ucb`/`ucb1` model selection is what Ouroboros's model bandit does anyway.
 */
function mapModels(reader: ConfigReader, evo: string): ModelInput[] | undefined {
  const names = reader.list([evo, 'llm_models']);
  if (names === undefined) return undefined;
  const temperaturesPath: KeyPath = [evo, 'llm_kwargs', 'temperatures'];
  const listed = reader.peek(temperaturesPath);
  const temperatures = Array.isArray(listed) ? listed : listed === undefined ? [] : [listed];
  const temperature = new Set(temperatures).size === 1 && typeof temperatures[0] === 'number' ? temperatures[0] : undefined;
  if (temperature !== undefined) reader.use(temperaturesPath);
  const selection = reader.peek([evo, 'llm_dynamic_selection']);
  if (selection === 'ucb' || selection === 'ucb1') reader.use([evo, 'llm_dynamic_selection']);
  const models: ModelInput[] = [];
  names.forEach((name, index) => {
    const path: KeyPath = [evo, 'llm_models', index];
    if (typeof name !== 'string') reader.fail(path, `expected a model name, got ${JSON.stringify(name)}`);
    const model = shinkaModel(name);
    if (model === undefined) return;
    reader.use(path);
    if (temperature !== undefined) reader.origin(`models[${models.length}].temperature`, temperaturesPath);
    models.push(modelEntry({ ...model, temperature }));
  });
  return models.length > 0 ? models : undefined;
}

function mapArchive(reader: ConfigReader, db: string): ExperimentInput['archive'] {
  const strategy = reader.peek([db, 'parent_selection_strategy']);
  // Power-law, beam-search and hill-climbing selection have no archive here: the default stays, and the key is listed.
  if (strategy !== undefined && strategy !== 'weighted') return undefined;
  reader.use([db, 'parent_selection_strategy']);
  // One island is what the DGM archive is; more have no equivalent.
  if (reader.peek([db, 'num_islands']) === 1) reader.use([db, 'num_islands']);
  const lambda = reader.number([db, 'parent_selection_lambda']);
  reader.origin('archive.lambda', [db, 'parent_selection_lambda']);
  return compact({ kind: 'dgm' as const, lambda });
}

function operators(reader: ConfigReader, path: KeyPath, context: MapContext, hasModels: boolean): string[] | undefined {
  const types = hasModels ? reader.list(path) : undefined;
  if (types === undefined) return undefined;
  const names = types.map((type, index) => {
    const name = typeof type === 'string' ? PATCH_OPERATORS[type] : undefined;
    if (name === undefined) reader.fail([...path, index], `unknown patch type ${JSON.stringify(type)}; expected diff, full or cross`);
    return name;
  });
  reader.use(path);
  return [...context.embeddedOperators, ...new Set(names)];
}

/** `meta_rec_interval` is how often ShinkaEvolve's meta step writes recommendations: Ouroboros's lessons. Null turns it off. */
function lessonsEvery(reader: ConfigReader, path: KeyPath): number | undefined {
  if (reader.written(path) && reader.peek(path) === undefined) {
    reader.use(path);
    return 0;
  }
  return reader.number(path, { integer: true, min: 0 });
}

function embeddings(reader: ConfigReader, path: KeyPath): string | undefined {
  const name = reader.peek(path);
  if (typeof name !== 'string') return undefined;
  const id = shinkaEmbeddingModel(name);
  if (id !== undefined) reader.use(path);
  return id;
}

/** The initial program: the config's `init_program_path` when it names a file of this folder. */
function genomeFile(reader: ConfigReader, path: KeyPath, context: MapContext): string {
  const named = reader.peek(path);
  if (typeof named !== 'string') return context.initial;
  const file = basename(named);
  if (file !== context.initial && !existsSync(join(context.dir, file))) return context.initial;
  reader.use(path);
  return file;
}

function evaluatorFile(reader: ConfigReader, path: KeyPath, context: MapContext): string {
  const named = reader.peek(path);
  if (typeof named !== 'string' || !existsSync(join(context.dir, basename(named)))) return context.evaluator;
  reader.use(path);
  return basename(named);
}

/** A local job's `time` limit, `HH:MM:SS` (or a number of seconds), as milliseconds. */
function jobTime(reader: ConfigReader, path: KeyPath): number | undefined {
  const value = reader.peek(path);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value > 0) {
    reader.use(path);
    reader.origin('evaluation.timeoutMs', path);
    return Math.round(value * 1000);
  }
  const parts = typeof value === 'string' && /^\d+(:\d{1,2}){0,2}$/.test(value.trim()) ? value.trim().split(':').map(Number) : undefined;
  if (parts === undefined)
    reader.fail(path, `expected a time limit such as "00:10:00" (hours:minutes:seconds), got ${JSON.stringify(value)}`);
  const seconds = parts.reduce((total, part) => total * 60 + part, 0);
  if (seconds <= 0) reader.fail(path, 'the time limit must be above zero');
  reader.use(path);
  reader.origin('evaluation.timeoutMs', path);
  return seconds * 1000;
}
