import type { Genome } from './types.ts';

/** What an evaluator returns. Only `score` is required; higher is better. */
export interface EvaluationResult {
  score: number;
  metrics?: Record<string, number>;
  /** Behaviour descriptors for MAP-Elites, such as `{ spread: 0.3 }`. */
  features?: Record<string, number>;
  /** Text that says what went wrong or could improve; operators read it. */
  feedback?: string;
  /** JSON-able extras kept with the evaluation (plots, logs, best solution). */
  artifacts?: Record<string, unknown>;
  /** Per-instance scores. */
  instances?: Record<string, number>;
}

export interface EvaluateContext {
  candidateId: string;
  /** The experiment's own options, validated by its `options` schema. */
  options: Record<string, unknown>;
  /** The experiment folder, for evaluators that read data files beside them. */
  experimentDir: string;
  /** The cascade stage being run. */
  stage: string;
  /**
   * Writes the genome's files into a fresh scratch folder and imports one of them
   * (the first genome file by default), returning its exports.
   */
  importGenome<T = Record<string, unknown>>(file?: string): Promise<T>;
}

export type EvaluateFunction = (
  genome: Genome,
  context: EvaluateContext,
) => EvaluationResult | Promise<EvaluationResult>;

/** A cheap cascade stage: when its score is below `threshold`, evaluation stops there. */
export interface Stage {
  name: string;
  evaluate: EvaluateFunction;
  threshold: number;
}
