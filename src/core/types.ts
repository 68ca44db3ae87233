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

/** What an evaluator said about a candidate, after validation by the engine. */
export interface Evaluation {
  candidateId: string;
  status: EvaluationStatus;
  /** Present only when status is `ok`. Higher is better. */
  score?: number;
  metrics: Record<string, number>;
  features: Record<string, number>;
  /** Per-instance scores, for Pareto-style archives and feedback. */
  instances: Record<string, number>;
  feedback: string;
  artifacts: Record<string, unknown>;
  /** The cascade stage the evaluation stopped at (the last stage run). */
  stage: string;
  /** The error or timeout message, for any status other than `ok`. */
  error?: string;
  durationMs: number;
}

/** The light view of a scored candidate that archives keep in memory. */
export interface ArchiveEntry {
  id: string;
  seq: number;
  score: number;
  island: number;
  generation: number;
  parentIds: string[];
  features: Record<string, number>;
}
