/**
 * `ouro best <run> --test`: scores a run's best candidate with `context.purpose` set to `test`,
 * the one time an evaluator may look at data the search never saw (a sealed test split). The
 * calls are live and are not written into the run, so that its record and its replay stay those
 * of the search; what they cost is reported.
 */
import { OuroError } from '../core/errors.ts';
import type { Evaluation } from '../core/types.ts';
import { startLocalEvaluators } from '../evaluate/start.ts';
import { Ledger, modelConfigs, openRunModels } from '../llm/index.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB } from './defaults.ts';
import { checkExperiment, loadExperiment } from './load-experiment.ts';
import { restoreDefinedParts } from './defined-parts.ts';
import { pythonOptions } from './python-options.ts';
import { isPythonEvaluator } from '../evaluate/start.ts';
import { taskModelHost } from './task-models.ts';

export interface TestScoreOptions {
  db?: string | Store;
  /** Models that replace the run's own (`--model`). */
  models?: string[];
  /** Probe each model over HTTP first (default true). */
  probeModels?: boolean;
  unsafe?: boolean;
}

export interface TestScore {
  candidateId: string;
  /** The search's score of the candidate, for comparison. */
  searchScore: number;
  evaluation: Evaluation;
  /** What the test's model calls cost. */
  spend: { calls: number; tokens: number; costUsd: number };
}

/**
 * Scores the best candidate of `runId` on the test purpose.
 *
 * @example
 * const { evaluation } = await scoreBestOnTest('r1a2b3c4', { db: '.ouro/ouro.db' });
 */
export async function scoreBestOnTest(runId: string, options: TestScoreOptions = {}): Promise<TestScore> {
  const { store, owned } = openStore(options.db ?? DEFAULT_DB);
  try {
    const run = store.getRun(runId);
    if (!run) throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
    const best = store.bestCandidate(runId);
    if (!best?.evaluation || best.evaluation.score === undefined) {
      throw new OuroError('candidate-unknown', `run ${runId} has no scored candidate yet`, { field: 'run' });
    }
    const fromDisk = await loadExperiment(run.experimentDir);
    const loaded = checkExperiment(fromDisk.dir, fromDisk.configFile, {
      ...restoreDefinedParts(run.config, fromDisk.config, runId, fromDisk.configFile),
      options: fromDisk.optionsSchema,
    });
    const { config } = loaded;
    const configs = modelConfigs(config.models, options.models && options.models.length > 0 ? options.models : run.settings.models);
    const ledger = new Ledger();
    const models =
      configs.length === 0
        ? undefined
        : await openRunModels({
            configs,
            llm: config.llm,
            budget: {},
            record: (exchange) => ledger.record(exchange),
            ...(options.probeModels === undefined ? {} : { probe: options.probeModels }),
          });
    const pool = await startLocalEvaluators({
      evaluatorFile: loaded.evaluatorFile,
      experimentDir: loaded.dir,
      options: run.settings.options,
      concurrency: 1,
      timeoutMs: config.evaluation.timeoutMs,
      memoryMb: config.evaluation.memoryMb,
      unsafe: options.unsafe ?? false,
      ...(models ? { taskModels: taskModelHost(models, configs) } : {}),
      ...(config.evaluation.scoreRange ? { scoreRange: config.evaluation.scoreRange } : {}),
      privateMetrics: config.evaluation.privateMetrics,
      ...(isPythonEvaluator(loaded.evaluatorFile) ? { python: pythonOptions(config, undefined) } : {}),
    });
    let evaluation: Evaluation;
    try {
      evaluation = await pool.evaluate(best.candidate.id, best.candidate.genome, { purpose: 'test' });
    } finally {
      await pool.close();
    }
    const totals = ledger.totals();
    return {
      candidateId: best.candidate.id,
      searchScore: best.evaluation.score,
      evaluation,
      spend: { calls: totals.calls, tokens: totals.tokens, costUsd: totals.costUsd },
    };
  } finally {
    if (owned) store.close();
  }
}
