import type { EvolveOptions, RunResult } from './engine/evolve.ts';
import type { LoadedExperiment } from './engine/load-experiment.ts';

export { defineExperiment, experimentSchema } from './core/experiment.ts';
/** zod, for an experiment's `options` schema: the same copy the engine validates with. */
export { z } from 'zod';
export type { ExperimentInput, ExperimentConfig, ArchiveConfig, ModelConfig, PriceConfig } from './core/experiment.ts';
export type {
  Genome,
  Candidate,
  Evaluation,
  ScoredEvaluation,
  FailedEvaluation,
  EvaluationStatus,
  Origin,
  ArchiveEntry,
} from './core/types.ts';
export type {
  EvaluationResult,
  EvaluateContext,
  EvaluateFunction,
  Stage,
  TaskCompletion,
  TaskModelRequest,
  TaskModels,
} from './core/evaluator.ts';
/** Evolving a prompt on a dataset (GEPA-style): splits, a sealed test split, a minibatch gate, metrics. */
export * from './prompt/index.ts';
export type { Archive, ArchiveContext, ArchiveFactory, FeatureAxis } from './core/archive.ts';
/** The built-in archives, for `archive: () => new GreedyArchive({ k: 5 })` or an archive of your own built on one. */
export { DgmArchive, GreedyArchive, MapElitesArchive, ParetoArchive } from './archive/index.ts';
/** The EVOLVE regions of a genome file, for operators written outside the engine. */
export { findRegions, type Region } from './core/genome.ts';
export type { LearnOutcome, Operator, Proposal, ProposalContext, ProposalResult, ParentView, ParentEvaluation } from './core/operator.ts';
export type { ModelHandle, CompletionRequest, Completion, ChatMessage, TokenUsage, TokenLogprob, LlmExchange } from './core/model.ts';
export { ModelCallError } from './core/model.ts';
export type { Budget } from './core/budget.ts';
export type { RunEvents } from './core/events.ts';
export { Emitter } from './core/events.ts';
export { Rng } from './core/rng.ts';
export { OuroError } from './core/errors.ts';
export type { EvolveOptions, RunResult };
export { bestOfNOperator, type BestOfNOperatorOptions } from './engine/compose/best-of-n-operator.ts';

// The engine is loaded on first use, so that an ouro.config.ts importing `defineExperiment`
// from here stays light to load.

/**
 * Runs an experiment folder (or an experiment already loaded) until its budget is spent.
 *
 * @example
 * const result = await evolve('examples/circle-packing', { seed: 1, budget: { evaluations: 500 } });
 * console.log(result.bestScore, result.bestCandidate);
 */
export async function evolve(experiment: string | LoadedExperiment, options?: EvolveOptions): Promise<RunResult> {
  return (await import('./engine/evolve.ts')).evolve(experiment, options);
}

/** Continues a stopped or crashed run from the store, with its archive and RNG state. */
export async function resume(runId: string, options?: Omit<EvolveOptions, 'seed' | 'options'>): Promise<RunResult> {
  return (await import('./engine/evolve.ts')).resume(runId, options);
}

/** The built-in strategies, by the names used in configs. */
export async function builtins(): Promise<{ archives: string[]; operators: readonly string[]; llmOperators: readonly string[] }> {
  const { EMBEDDED_OPERATORS } = await import('./propose/index.ts');
  const { LLM_OPERATORS } = await import('./propose/llm/index.ts');
  return { archives: ['dgm', 'map-elites', 'greedy', 'pareto'], operators: EMBEDDED_OPERATORS, llmOperators: LLM_OPERATORS };
}
