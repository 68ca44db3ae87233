import type { ArchiveEntry, Genome } from './types.ts';
import type { Rng } from './rng.ts';

export interface ParentView {
  entry: ArchiveEntry;
  genome: Genome;
  /** The evaluator's feedback on this parent, for operators that read it. */
  feedback: string;
}

export interface ProposalContext {
  /** The first parent is the primary one: the child's diff is taken against it. */
  parents: ParentView[];
  inspirations: ParentView[];
  rng: Rng;
  signal?: AbortSignal;
}

export interface Proposal {
  genome: Genome;
  /** One line that says what changed, such as `perturb 0.5 -> 0.4731 (pack.js:12)`. */
  description: string;
}

export interface ProposalFailure {
  /** Why no child could be made, such as `no numeric literal inside an EVOLVE block`. */
  failure: string;
}

export type ProposalResult = Proposal | ProposalFailure;

/** Proposes a child genome from a context. Only text inside EVOLVE regions may change. */
export interface Operator {
  readonly name: string;
  /** How many parents it reads: 1 for mutations, 2 for crossover. */
  readonly arity: 1 | 2;
  propose(context: ProposalContext): Promise<ProposalResult>;
}

export function isProposalFailure(result: ProposalResult): result is ProposalFailure {
  return 'failure' in result;
}
