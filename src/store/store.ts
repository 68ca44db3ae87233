import type { LlmExchange } from '../core/model.ts';
import type { RngState } from '../core/rng.ts';
import type { Candidate, Evaluation, Genome } from '../core/types.ts';

export interface NewRun {
  id: string;
  experiment: string;
  /** Absolute path of the experiment folder, so `ouro resume` finds it again. */
  experimentDir: string;
  /** The validated config as JSON (the `options` schema is not serialisable and is left out). */
  config: unknown;
  /** The experiment's option values and the CLI overrides the run was started with. */
  settings: RunSettings;
  createdAt: number;
}

export interface RunSettings {
  seed: number;
  options: Record<string, unknown>;
  budget: { evaluations?: number; wallTimeMs?: number; targetScore?: number; tokens?: number; costUsd?: number };
  concurrency: number;
  /** Model ids given with `--model`, which replace the config's models. */
  models?: string[];
  /** The run whose recorded model replies this run serves instead of calling a model. */
  replayOf?: string;
}

export interface RunRecord extends NewRun {
  status: RunStatus;
}

export type RunStatus = 'running' | 'stopped' | 'finished' | 'crashed-or-running';

export interface RunSummary {
  id: string;
  experiment: string;
  status: RunStatus;
  bestScore: number | null;
  evaluations: number;
  createdAt: number;
}

/** What a commit stores beside the candidate: enough to rebuild the run from the store alone. */
export interface CommitState {
  /** RNG state right after this candidate was proposed. */
  rngState: RngState;
  /** The bandit reward this candidate earned its operator. */
  reward: number;
  /** Wall time the run had used, over all its sessions, when this was committed. */
  elapsedMs: number;
  genomeHash: string;
  /** Position in the run's log of candidates and failed proposals, which replay follows. */
  logOrder: number;
}

/**
 * Proposals by one operator that produced no evaluated child (the operator failed, or repeated a
 * genome), counted together: they cost no evaluation, and the bandit only needs their number.
 */
export interface FailedProposals {
  operator: string;
  /** The model the operator used, for LLM operators. */
  model?: string;
  kind: 'failed' | 'duplicate';
  count: number;
  /** The reason the last of them gave. */
  reason: string;
  /** RNG state right after the last of them. */
  rngState: RngState;
  logOrder: number;
  /** The prompt template they were made with (`proposal.evolvePrompts`); such proposals are counted apart. */
  template?: string;
  /** What their model calls cost together, in US dollars; recorded only with a template. */
  costUsd?: number;
}

/** One entry of a run's log as replayed on resume: a committed candidate (without its genome) or a failure. */
export type ReplayRow =
  | { kind: 'candidate'; candidate: Omit<Candidate, 'genome'>; evaluation: Evaluation; state: CommitState }
  | { kind: 'failures'; failures: FailedProposals };

export interface CandidateRecord {
  candidate: Candidate;
  evaluation: Evaluation;
}

export type RunEventKind = 'started' | 'resumed' | 'stopped' | 'finished';

/** Lessons written by one meta step. */
export interface LessonRecord {
  /** Evaluations the run had when they were written. */
  evaluations: number;
  /** `llm:<model>` or `stats`. */
  source: string;
  lessons: string[];
  createdAt: number;
}

/** How a prompt template of a run came to be (`proposal.evolvePrompts`). */
export type PromptTemplateOrigin = 'built-in' | 'override' | 'model' | 'prune-tokens';

/**
 * One prompt template of an LLM operator's population, or a variant that was discarded: the
 * population is rebuilt from these on resume, and `ouro show --prompts` lists them.
 */
export interface PromptTemplateRecord {
  /** `<operator>.<n>`, such as `llm-diff.3`: n counts the operator's templates from 0, discarded ones too. */
  id: string;
  /** Its place among the run's templates, from 0: the order they were made in. */
  seq: number;
  operator: string;
  /** The template it was made from; absent for an operator's first. */
  parentId?: string;
  text: string;
  origin: PromptTemplateOrigin;
  /** What made it: the override file, the model, the pruning moves. */
  detail: string;
  /** Why it did not join the population; absent for one that did. */
  discarded?: string;
  /** The template it took the place of in a full population. */
  retired?: string;
  /** What making it cost (the meta-prompt's model call), in US dollars. */
  costUsd: number;
  /** Evaluations the run had when it was made. */
  evaluations: number;
  createdAt: number;
}

/** Persistence behind one contract; SQLite now, PostgreSQL later. Tables are append-only. */
export interface Store {
  readonly location: string;
  createRun(run: NewRun): void;
  getRun(id: string): RunRecord | undefined;
  listRuns(): RunSummary[];
  appendRunEvent(runId: string, kind: RunEventKind, data?: unknown): void;
  /** Commits a candidate, its evaluation and the failed proposals before it, in one transaction. */
  commitCandidate(candidate: Candidate, evaluation: Evaluation, state: CommitState, failures?: readonly FailedProposals[]): void;
  /** Records failed proposals that no commit followed (at the end of a session). */
  recordFailedProposals(runId: string, failures: readonly FailedProposals[]): void;
  /** The run's log in order: committed candidates (without genomes) and failed proposals. */
  replay(runId: string): Iterable<ReplayRow>;
  /** Writes one model exchange at once, so that money spent survives a crash. */
  recordLlmCall(runId: string, exchange: LlmExchange): void;
  /** The run's model exchanges in the order they finished; only one proposal's when given. */
  llmCalls(runId: string, proposal?: string): LlmExchange[];
  recordLessons(runId: string, record: LessonRecord): void;
  /** A cached embedding of a text (by hash) under an embedding model, shared by every run. */
  getEmbedding(model: string, textHash: string): Float32Array | undefined;
  /** Caches an embedding; a second write of the same key is ignored. */
  putEmbedding(model: string, textHash: string, vector: Float32Array, tokens: number): void;
  /** Every set of lessons the run wrote, oldest first. */
  lessons(runId: string): LessonRecord[];
  /** Appends one prompt template of a run: a member of an operator's population, or a discarded variant. */
  recordPromptTemplate(runId: string, record: PromptTemplateRecord): void;
  /** The run's prompt templates in the order they were made (by `seq`); none for a database from before them. */
  promptTemplates(runId: string): PromptTemplateRecord[];
  getCandidate(id: string): CandidateRecord | undefined;
  getGenome(id: string): Genome | undefined;
  bestCandidate(runId: string): CandidateRecord | undefined;
  /** Ids of the run's last `count` candidates, newest first. */
  recentCandidates(runId: string, count: number): Array<{ id: string }>;
  childrenOf(id: string): string[];
  close(): void;
}
