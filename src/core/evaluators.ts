// Where a run's work happens: the contracts through which an entry point (the fleet) hands the
// engine its own evaluators and proposers, so that the engine never imports the fleet.
import type { TaskCompletion, TaskModelRequest } from './evaluator.ts';
import type { LlmConfig, ModelConfig } from './experiment.ts';
import type { ModelHandle } from './model.ts';
import type { RemoteProposals } from './operator.ts';
import type { Evaluation, Genome } from './types.ts';

/** Scores outside this range are recorded as `invalid`. */
export interface ScoreRange {
  min?: number;
  max?: number;
}

/** How evaluators run: the evaluator, its limits, and what candidates may reach. */
export interface PoolOptions {
  /** Absolute path to the user's evaluate.ts (or .js). */
  evaluatorFile: string;
  /** Absolute path of the experiment folder, passed as `context.experimentDir`. */
  experimentDir: string;
  /** Experiment options, passed as `context.options`; must be JSON. */
  options: Record<string, unknown>;
  /** Number of worker processes. */
  concurrency: number;
  /** Per candidate, all stages included. The worker is killed when it is exceeded. */
  timeoutMs: number;
  /** Per worker: the V8 heap limit, and (plus RUNTIME_ALLOWANCE_MB) its resident memory limit. */
  memoryMb: number;
  /**
   * A worker is replaced after this many evaluations that called `importGenome`, the ones that
   * grow its module cache for good (Node cannot unload modules). Default 500.
   */
  maxEvaluationsPerWorker?: number;
  /** Allow `importGenome` and run the process tier without bubblewrap (`--unsafe`). Default false. */
  unsafe?: boolean;
  /**
   * The run's models, offered to process-tier candidates (agents) through a model broker on a
   * Unix socket bound into their sandboxes: calls go through these handles, so the run's budget
   * and ledger apply, and no key or provider URL enters the sandbox.
   */
  models?: { handles: ReadonlyMap<string, ModelHandle>; defaultModel: string };
  /** The engine's side of `context.models`: evaluators' model calls end up here. */
  taskModels?: TaskModelHost;
  /** Scores outside this range are recorded as `invalid`. */
  scoreRange?: ScoreRange;
  /** Settings of a Python evaluator (an `evaluatorFile` ending in `.py`). */
  python?: PythonEvaluatorOptions;
  /** Metric names moved to `privateMetrics` whatever the evaluator says: they never reach a prompt. */
  privateMetrics?: readonly string[];
}

/** How a Python evaluator is started and called. */
export interface PythonEvaluatorOptions {
  /** Interpreter path or name on PATH; `python3` by default. */
  interpreter?: string;
  protocol: 'ouro' | 'openevolve' | 'shinka';
  /** OpenEvolve's cascade thresholds: `evaluate_stage<n>` must reach entry n-1 for the next stage to run. */
  cascadeThresholds?: readonly number[];
  /** Pre-start sandboxes with the evaluator imported (default true). */
  warm?: boolean;
  /** Metrics that also fill the feature of the same name when the evaluator gives none (OpenEvolve's feature dimensions). */
  featureMetrics?: readonly string[];
}

/** The engine's side of `context.models`: runs an evaluator's model call for one candidate. */
export interface TaskModelHost {
  /** The run's model ids, in configured order. */
  readonly ids: readonly string[];
  /** Rejects with an Error whose message is shown to the evaluator; `signal` aborts when the evaluation ends. */
  complete(candidateId: string, request: TaskModelRequest, signal: AbortSignal): Promise<TaskCompletion>;
}

/** What an evaluation is told besides the candidate and its genome. */
export interface EvaluationRequest {
  /** The candidate's first parent (`context.parent`). */
  parent?: { id: string; genome: Genome };
  /** `test` only for `ouro best --test`; `search` by default. */
  purpose?: 'search' | 'test';
}

/** What evaluates candidates: the local worker-process pool, or anything with the same two methods. */
export interface Evaluators {
  evaluate(candidateId: string, genome: Genome, request?: EvaluationRequest): Promise<Evaluation>;
  close(): Promise<void>;
}

/** Something that says what the user should know, as a warning or not. */
export type Notice = (message: string, warning?: boolean) => void;

/** Starts the evaluators of one session of a run. */
export type StartEvaluators = (options: PoolOptions, notice: Notice) => Promise<Evaluators>;

/** What a remote proposer needs to know about the run. */
export interface ProposalSetup {
  runId: string;
  experimentDir: string;
  /** The experiment's prompt templates folder, when it exists. */
  templatesDir?: string;
  /** The run's models, as configured (keys stay with whoever calls them). */
  models: readonly ModelConfig[];
  llm: LlmConfig;
}

/** Starts what proposes, for the operators it accepts, in place of the engine's process. */
export type StartProposals = (setup: ProposalSetup, notice: Notice) => Promise<RemoteProposals>;
