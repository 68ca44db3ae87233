// Parts of starting an evolution session that evolve.ts composes: the budget from the config,
// the initial candidate, the fleet's proposer, the broker's models and the default feature axes.
import { randomBytes } from 'node:crypto';
import { parseDuration, type Budget } from '../core/budget.ts';
import { OuroError } from '../core/errors.ts';
import type { Emitter, RunEvents } from '../core/events.ts';
import type { Evaluators, StartProposals } from '../core/evaluators.ts';
import type { ExperimentConfig } from '../core/experiment.ts';
import { defaultFeatureAxes } from '../core/feature-grid.ts';
import type { RemoteProposals } from '../core/operator.ts';
import type { Candidate, Genome } from '../core/types.ts';
import { modelConfigs, type RunModels } from '../llm/index.ts';
import type { RunSettings, Store } from '../store/store.ts';
import type { LoadedExperiment } from './load-experiment.ts';
import { templatesDirOf } from './operators.ts';
import { evaluateAndCommit } from './pipeline.ts';
import { hashGenome, type RunState } from './state.ts';

/** The remote proposer the options ask for, when this session has model operators and is not a replay. */
export async function startRemoteProposals(
  loaded: LoadedExperiment,
  runId: string,
  settings: RunSettings,
  options: { proposals?: StartProposals },
  usesModels: boolean,
  notice: (message: string, warning?: boolean) => void,
): Promise<RemoteProposals | undefined> {
  if (!options.proposals || !usesModels) return undefined;
  if (settings.replayOf) {
    notice('replay: proposals stay in this process, where the recorded replies are');
    return undefined;
  }
  const { config } = loaded;
  if (config.proposal.evolvePrompts) {
    // A fleet worker fills its operator's own template: the one a proposal was handed would be lost.
    notice('proposal.evolvePrompts: proposals stay in this process, where the evolving templates are');
    return undefined;
  }
  if (config.proposal.bestOfN > 1)
    notice(
      `proposal.bestOfN (${config.proposal.bestOfN}) applies to proposals made in this process; fleet workers propose one child per job`,
      true,
    );
  const templatesDir = templatesDirOf(config, loaded.dir);
  return await options.proposals(
    {
      runId,
      experimentDir: loaded.dir,
      models: modelConfigs(config.models, settings.models),
      llm: config.llm,
      ...(templatesDir ? { templatesDir } : {}),
    },
    notice,
  );
}

/** Evaluates and commits the initial genome as candidate <run>-0; a run cannot start from one that is not scored. */
export async function evaluateInitial(
  state: RunState,
  store: Store,
  genome: Genome,
  pool: Pick<Evaluators, 'evaluate'>,
  elapsedMs: () => number,
  events: Emitter<RunEvents>,
): Promise<void> {
  const candidate: Candidate = {
    id: `${state.runId}-0`,
    runId: state.runId,
    seq: 0,
    parentIds: [],
    generation: 0,
    island: 0,
    genome,
    origin: { operator: 'initial', description: 'the initial genome', diff: '' },
    createdAt: Date.now(),
  };
  state.nextSeq = 1;
  const child = { candidate, parentScore: undefined, genomeHash: hashGenome(genome), rngState: state.rng.state(), costUsd: 0 };
  const { evaluation } = await evaluateAndCommit(state, store, (id, g) => pool.evaluate(id, g), child, elapsedMs);
  events.emit('candidate-recorded', { candidate, evaluation, bestScore: state.best?.score });
  if (evaluation.status !== 'ok') {
    throw new OuroError(
      'initial-failed',
      `the initial genome (candidate ${candidate.id}) was not scored: ${evaluation.status}: ${evaluation.error ?? 'no message'}. ` +
        `Fix the genome or the evaluator; the run cannot start from it.`,
      { candidate: candidate.id },
    );
  }
}

/** The run's models as the evaluator pool's broker offers them to agents; their calls are booked under proposal `broker`. */
export function brokerModels(models: RunModels) {
  return { handles: new Map(models.ids.map((id) => [id, models.bind(id, 'broker').handle])), defaultModel: models.ids[0] as string };
}

/** The experiment's own budget, its wall time as milliseconds; limits it does not set are left out. */
export function configBudget(loaded: LoadedExperiment): Budget {
  const { evaluations, wallTime, targetScore, tokens, costUsd } = loaded.config.budget;
  let wallTimeMs: number | undefined;
  if (typeof wallTime === 'string') {
    wallTimeMs = parseDuration(wallTime);
    if (wallTimeMs === undefined) {
      throw new OuroError('config-invalid', `${loaded.configFile}: budget.wallTime "${wallTime}" is not a duration such as 90s, 2m or 1h`, {
        field: 'budget.wallTime',
        file: loaded.configFile,
      });
    }
  } else {
    wallTimeMs = wallTime;
  }
  return strip({ evaluations, wallTimeMs, targetScore, tokens, costUsd });
}

function strip(budget: Budget): Budget {
  return Object.fromEntries(Object.entries(budget).filter(([, value]) => value !== undefined)) as Budget;
}

/** MAP-Elites without configured axes bins genome length from half to twice the initial genome's. */
export function defaultFeatures(archive: ExperimentConfig['archive'], genome: Genome) {
  if (typeof archive === 'function' || archive.kind !== 'map-elites') return [];
  return defaultFeatureAxes(genome);
}

/** A fresh evolution run id, such as `r1a2b3c4d`. */
export function newRunId(): string {
  return `r${randomBytes(4).toString('hex')}`;
}
