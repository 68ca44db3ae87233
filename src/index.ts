export { defineExperiment, experimentSchema } from './core/experiment.ts';
export type { ExperimentInput, ExperimentConfig, ArchiveConfig } from './core/experiment.ts';
export type { Genome, Candidate, Evaluation, EvaluationStatus, Origin, ArchiveEntry } from './core/types.ts';
export type { EvaluationResult, EvaluateContext, EvaluateFunction, Stage } from './core/evaluator.ts';
export type { Archive } from './core/archive.ts';
export type { Operator, Proposal, ProposalContext, ProposalResult } from './core/operator.ts';
export type { Budget } from './core/budget.ts';
export { Rng } from './core/rng.ts';
export { OuroError } from './core/errors.ts';
