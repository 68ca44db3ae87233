/** A genome is the evolving artifact: named text files (file name -> contents). */
export type Genome = Record<string, string>;

export type EvaluationStatus = 'ok' | 'invalid' | 'error' | 'timeout';

/** Where a candidate came from. */
export interface Origin {
  /** Operator name, or `initial` for the seed genome. */
  operator: string;
  /** One line saying what changed. */
  description: string;
  /** Unified diff against the first parent (empty for the initial candidate). */
  diff: string;
  /** The model that wrote it, as `provider:model`, for LLM operators. */
  model?: string;
  /** Why the model expected the change to help. */
  rationale?: string;
  /** The proposal id its model calls were recorded under. */
  proposal?: string;
  /** The prompt template that prompted this child (`proposal.evolvePrompts`), such as `llm-diff.3`. */
  template?: string;
}

export interface Candidate {
  /** `<runId>-<seq>` */
  id: string;
  runId: string;
  /** Position in the run's commit order, starting at 0 for the initial genome. */
  seq: number;
  parentIds: string[];
  generation: number;
  island: number;
  genome: Genome;
  origin: Origin;
  createdAt: number;
}

/** What every evaluation holds, whatever its outcome. */
interface EvaluationFields {
  candidateId: string;
  metrics: Record<string, number>;
  /** Metrics kept out of every prompt: stored and shown in the dashboard only. */
  privateMetrics: Record<string, number>;
  features: Record<string, number>;
  /** Per-instance scores, for Pareto-style archives and feedback. */
  instances: Record<string, number>;
  feedback: string;
  artifacts: Record<string, unknown>;
  /** The cascade stage the evaluation stopped at (the last stage run). */
  stage: string;
  durationMs: number;
}

/** A candidate the evaluator scored. Higher is better. */
export interface ScoredEvaluation extends EvaluationFields {
  status: 'ok';
  score: number;
  error?: undefined;
}

/** A candidate that was not scored: its result was malformed, its evaluation failed, or it ran out of time. */
export interface FailedEvaluation extends EvaluationFields {
  status: Exclude<EvaluationStatus, 'ok'>;
  score?: undefined;
  /** The error or timeout message. */
  error?: string;
}

/**
 * What an evaluator said about a candidate, after validation by the engine: a score exactly
 * when the status is `ok`.
 */
export type Evaluation = ScoredEvaluation | FailedEvaluation;

/** The light view of a scored candidate that archives keep in memory. */
export interface ArchiveEntry {
  id: string;
  seq: number;
  score: number;
  island: number;
  generation: number;
  parentIds: string[];
  features: Record<string, number>;
  /**
   * The evaluation's per-instance scores (instance name -> score, higher is better), for
   * archives that select per instance (`pareto`). Absent when the evaluator gave none.
   */
  instances?: Record<string, number>;
}
