import type { LlmExchange, ModelHandle } from './model.ts';
import type { ArchiveEntry, EvaluationStatus, Genome } from './types.ts';
import type { Rng } from './rng.ts';

/** What the evaluator said about a parent, for operators that read it (reflection, repair). */
export interface ParentEvaluation {
  status: EvaluationStatus;
  score?: number;
  error?: string;
  metrics: Record<string, number>;
  instances: Record<string, number>;
  artifacts: Record<string, unknown>;
}

export interface ParentView {
  /** For a parent taken from the failures (by `llm-fix`), `score` is NaN. */
  entry: ArchiveEntry;
  genome: Genome;
  /** The evaluator's feedback on this parent, for operators that read it. */
  feedback: string;
  evaluation?: ParentEvaluation;
}

/** The run's family tree, for operators that read further back than the parents (llm-merge). */
export interface Lineage {
  /** The parents of a stored candidate, the primary one first; undefined for an id the run does not hold. */
  parentIds(id: string): readonly string[] | undefined;
  /** The genome of a stored candidate; undefined for an id the run does not hold. */
  genome(id: string): Genome | undefined;
}

export interface ProposalContext {
  /** The first parent is the primary one: the child's diff is taken against it. */
  parents: ParentView[];
  /** Top and diverse candidates from the archive, shown to LLM operators (empty for embedded ones). */
  inspirations: ParentView[];
  rng: Rng;
  signal?: AbortSignal;
  /** The model chosen for this proposal; set only for operators with `usesModel`. */
  model?: ModelHandle;
  /** The run's current lessons, newest last. */
  lessons?: readonly string[];
  /** The experiment's `description`: what the genome is for and how it is scored. */
  description?: string;
  /** Ancestors beyond the parents; set by the engine for operators of arity 2. */
  lineage?: Lineage;
  /**
   * A prompt template to fill instead of the operator's own, for this one call. The engine sets it
   * when `proposal.evolvePrompts` is on; the built-in LLM operators read it, others ignore it.
   */
  promptTemplate?: PromptTemplateChoice;
}

/** One template of an operator's evolving population, as handed to the operator for one proposal. */
export interface PromptTemplateChoice {
  /** Its id in the run, such as `llm-diff.3`; the child's `origin.template`. */
  id: string;
  /** The template, in the syntax of the prompts folder: `{{parent}}`, `{{#feedback}}...{{/feedback}}`. */
  text: string;
}

export interface Proposal {
  genome: Genome;
  /** One line that says what changed, such as `perturb 0.5 -> 0.4731 (pack.js:12)`. */
  description: string;
  /** Why the change should help, as the model stated it. */
  rationale?: string;
}

export interface ProposalFailure {
  /** Why no child could be made, such as `no numeric literal inside an EVOLVE block`. */
  failure: string;
}

export type ProposalResult = Proposal | ProposalFailure;

/** What the engine tells an operator about one of its children once that child has been evaluated. */
export interface LearnOutcome {
  /** The child's first (primary) parent: the genome the operator was handed. */
  parent: Genome;
  parentId: string;
  childId: string;
  child: Genome;
  /** The child's score, higher is better as everywhere in a run; undefined when its evaluation failed (error, timeout, invalid). */
  fitness: number | undefined;
  /** The parent's score, when it was scored. */
  parentFitness?: number;
}

/** Proposes a child genome from a context. Only text inside EVOLVE regions may change. */
export interface Operator {
  readonly name: string;
  /** How many parents it reads: 1 for mutations, 2 for crossover. */
  readonly arity: 1 | 2;
  /** True for operators that call a model: the engine then picks one and hands it over. */
  readonly usesModel?: boolean;
  /** Where its parent comes from: the archive (default) or recent failed candidates (repair). */
  readonly parentSource?: 'archive' | 'failures';
  /**
   * Whether it can edit this genome file at all, judged by name (that is, by language). Before a
   * run starts, the engine drops the operators that can edit none of the genome's files, and
   * refuses to start when no operator can edit any. Left out, the operator is taken to edit any
   * text file, as the LLM operators do.
   */
  readonly canEdit?: (file: string) => boolean;
  /** The languages it edits, such as `['JavaScript', 'TypeScript']`, for messages; left out when any text will do. */
  readonly languages?: readonly string[];
  propose(context: ProposalContext): Promise<ProposalResult>;
  /**
   * For operators that learn from results (constant tuning's optimizer). The engine calls it once
   * for each of this operator's children that is evaluated and stored, right after the commit,
   * one call at a time (it awaits each before the next). On resume it calls it again for every
   * stored child of this operator, in the order they were committed, before the first new
   * proposal, so state kept here is rebuilt from the store; it must therefore depend only on
   * these calls, not on `propose`. Live calls come in completion order, which with concurrency
   * above 1 is not the proposal order; replay follows the same commit order. Proposals that were
   * dropped (duplicates, a stop) are never reported.
   */
  learn?(outcome: LearnOutcome): void | Promise<void>;
  /**
   * The candidate this operator wants as its next parent, for operators that work on one
   * candidate over many proposals (constant tuning follows its best point). It is shown the run's
   * best candidate so far. The engine hands it the candidate it names when that was scored, and
   * draws from the archive as usual when it names none. Its answer must depend only on what
   * `learn` was told and on `best`, so that a resumed run reproduces it.
   */
  preferredParent?(best: { id: string; score: number } | undefined): string | undefined;
}

/**
 * Whether `operator` can edit `file`: its own `canEdit`, or yes when it declares none.
 *
 * @example
 * canEditFile(perturbNumber(), 'main.py'); // false
 */
export function canEditFile(operator: Operator, file: string): boolean {
  return operator.canEdit === undefined ? true : operator.canEdit(file);
}

export function isProposalFailure(result: ProposalResult): result is ProposalFailure {
  return 'failure' in result;
}

/** One proposal made elsewhere (a fleet worker): what the operator would have been handed, as data. */
export interface RemoteProposalRequest {
  operator: string;
  /** The model chosen for it, for operators with `usesModel`. */
  model?: string;
  /** The id its model calls are recorded under. */
  proposal?: string;
  /** Seeds the operator's own RNG; drawn from the run's RNG, so a seeded run draws the same seeds. */
  seed: number;
  parents: ParentView[];
  inspirations: ParentView[];
  lessons: readonly string[];
  description?: string;
  /** What the run's token and money budgets still allow; the remote side refuses calls beyond it. */
  allowance: { tokens?: number; costUsd?: number };
  signal?: AbortSignal;
}

/** Proposes for some operators on another machine; the engine books the model calls it reports. */
export interface RemoteProposals {
  /** True for the operators that are proposed remotely. */
  accepts(operator: Operator): boolean;
  /**
   * The operator's result and every model exchange made for it, failed attempts on lost workers
   * included, so the run's ledger sees all of the spend.
   */
  propose(request: RemoteProposalRequest): Promise<{ result: ProposalResult; exchanges: LlmExchange[] }>;
  close(): Promise<void>;
}
