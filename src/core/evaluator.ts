import type { ChatMessage, Completion } from './model.ts';
import type { CandidateModule, ProcessRunOptions, ProcessRunResult } from './sandbox.ts';
import type { Genome } from './types.ts';

/** What an evaluator returns. Only `score` is required; higher is better. */
export interface EvaluationResult {
  score: number;
  metrics?: Record<string, number>;
  /**
   * Metrics that are stored and shown in the dashboard but never enter a prompt (ShinkaEvolve's
   * `private`): a hidden test score, say, that candidates must not be tuned to.
   */
  privateMetrics?: Record<string, number>;
  /** Behaviour descriptors for MAP-Elites, such as `{ spread: 0.3 }`. */
  features?: Record<string, number>;
  /** Text that says what went wrong or could improve; operators read it. */
  feedback?: string;
  /** JSON-able extras kept with the evaluation (plots, logs, best solution). */
  artifacts?: Record<string, unknown>;
  /** Per-instance scores. */
  instances?: Record<string, number>;
}

/** One model call made by an evaluator (a task call, booked apart from the operators' proposal calls). */
export interface TaskModelRequest {
  messages: ChatMessage[];
  /** One of `context.models.ids`; the run's first model when left out. */
  model?: string;
  /** Sampling temperature; the model's configured one when left out. Calls at 0 are cached. */
  temperature?: number;
  maxOutputTokens?: number;
}

/** A model's answer to a task call. */
export interface TaskCompletion extends Pick<Completion, 'text' | 'finishReason' | 'usage' | 'costUsd' | 'model'> {
  /**
   * True when the answer came from the run's temperature-0 cache: the same model, messages and
   * settings were answered before in this run, so nothing was paid for it again.
   */
  cached: boolean;
}

/**
 * The run's models as an evaluator sees them: calls go through the engine, under the run's
 * ledger, token and money budgets, recording and replay, and are booked as operator `task`.
 */
export interface TaskModels {
  /** The run's model ids, in configured order; empty when the run has no model. */
  readonly ids: readonly string[];
  /**
   * One exchange. Rejects with a message naming the model when it is not configured for the
   * run, and with the model error (budget spent, HTTP failure, missing replay) otherwise.
   */
  complete(request: TaskModelRequest): Promise<TaskCompletion>;
}

export interface EvaluateContext {
  candidateId: string;
  /**
   * The candidate's first parent, when it has one (the initial genome has none): evaluators
   * that gate a child on doing no worse than its parent (GEPA's minibatch check) score both.
   */
  parent?: { id: string; genome: Genome };
  /**
   * `search` while a run evaluates candidates; `test` only when `ouro best <run> --test` scores
   * the run's best on data the search must never see (a sealed test split).
   */
  purpose: 'search' | 'test';
  /** The run's models, for evaluators that score a prompt by calling a model. */
  models: TaskModels;
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
  /**
   * Loads a genome file (JavaScript or TypeScript; the first genome file by default) into an
   * isolate with the experiment's memory and time limits. Its imports may name other genome
   * files only. Call its exports with JSON-able data; results come back as copies.
   *
   * `files` adds modules of the evaluator's own (a harness that imports the genome and loops
   * over many inputs inside the isolate, say); the entry may be one of them. They share the
   * candidate's realm, so treat what they return as the candidate's word: check it.
   */
  isolate(file?: string, options?: { files?: Record<string, string> }): Promise<CandidateModule>;
  /**
   * Runs a program under bubblewrap in a private scratch directory that holds the genome's files
   * (plus `options.files`): no network, a scrubbed environment, resource caps and a timeout.
   */
  run(command: string[], options?: Omit<ProcessRunOptions, 'command'>): Promise<ProcessRunResult>;
}

export type EvaluateFunction = (genome: Genome, context: EvaluateContext) => EvaluationResult | Promise<EvaluationResult>;

/** A cheap cascade stage: when its score is below `threshold`, evaluation stops there. */
export interface Stage {
  name: string;
  evaluate: EvaluateFunction;
  threshold: number;
}
