import { createHash } from 'node:crypto';
import type { Archive } from '../core/archive.ts';
import { normalizeGenome } from '../core/genome.ts';
import type { ParentEvaluation } from '../core/operator.ts';
import type { Outcome } from '../memory/index.ts';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry, Candidate, Evaluation, Genome } from '../core/types.ts';
import type { OperatorBandit } from '../propose/index.ts';
import type { FailedProposals, Store } from '../store/store.ts';
import { Lru } from './lru.ts';
import { beatsParent } from './prompt-evolution/population.ts';

export interface ParentData {
  genome: Genome;
  feedback: string;
  evaluation: ParentEvaluation;
}

const RECENT_FAILURES = 32;
const OUTCOME_WINDOW = 2000;

export function parentEvaluation(evaluation: Evaluation): ParentEvaluation {
  return {
    status: evaluation.status,
    ...(evaluation.score === undefined ? {} : { score: evaluation.score }),
    ...(evaluation.error === undefined ? {} : { error: evaluation.error }),
    metrics: evaluation.metrics,
    instances: evaluation.instances,
    artifacts: evaluation.artifacts,
  };
}

/**
 * Told what became of each proposal made with a prompt template (`proposal.evolvePrompts`), as it
 * happens: see `TemplatePopulations` (prompt-evolution/populations.ts), which is rebuilt from the
 * store with the same calls in log order.
 */
export interface TemplateCredit {
  /** A child of `template` was stored, with the bandits' reward it earned and what its proposal cost. */
  child(template: string, outcome: { reward: number; beat: boolean; costUsd: number }): void;
  /** A proposal of `template` failed or repeated a genome. */
  failed(template: string): void;
  /** Failed proposals of `template` were written; they cost this much together. */
  spent(template: string, costUsd: number): void;
}

/** Everything a run holds in memory; all of it can be rebuilt from the store. */
export class RunState {
  readonly seen = new Set<string>();
  nextSeq = 0;
  /** Seqs below nextSeq that no commit holds yet, lowest first. */
  private readonly holes: number[] = [];
  /** Next position in the run's log of commits and failed proposals. */
  nextLogOrder = 0;
  evaluations = 0;
  /** Wall time used by earlier sessions of this run. */
  elapsedBeforeMs = 0;
  best: { id: string; score: number } | undefined;
  /** Lessons shown in prompts: the latest set the run wrote. */
  lessons: string[] = [];
  /** Children committed since the run began (the last few thousand), for the lessons step. */
  readonly outcomes: Outcome[] = [];
  /** Recent children whose evaluation errored or timed out: parents for the repair operator. */
  readonly failedEntries: ArchiveEntry[] = [];
  private readonly parents = new Lru<string, ParentData>(256);
  private readonly scores = new Map<string, number>();
  /** Failed proposals not yet written: they go to the store with the next commit. */
  private pendingFailures = new Map<string, Omit<FailedProposals, 'logOrder'>>();
  /**
   * Credits prompt templates with what their proposals became (`proposal.evolvePrompts`). Set after
   * `replay`, since the templates restore themselves from the store.
   */
  prompts: TemplateCredit | undefined;

  constructor(
    readonly runId: string,
    readonly archive: Archive,
    readonly bandit: OperatorBandit,
    /** Chooses the model for LLM operators; undefined when the run has no model. */
    readonly modelBandit: OperatorBandit | undefined,
    public rng: Rng,
    private readonly store: Store,
  ) {}

  /** Parent genome and feedback, from memory when recent, else from the store. */
  parent(entry: ArchiveEntry): ParentData {
    const cached = this.parents.get(entry.id);
    if (cached) return cached;
    const record = this.store.getCandidate(entry.id);
    if (!record) throw new Error(`archive names candidate ${entry.id}, which the store does not have`);
    const data = { genome: record.candidate.genome, feedback: record.evaluation.feedback, evaluation: parentEvaluation(record.evaluation) };
    this.parents.set(entry.id, data);
    return data;
  }

  /** The archive entry of a scored candidate of this run, read from the store; undefined when it was not scored. */
  scoredEntry(id: string): ArchiveEntry | undefined {
    if (!this.scores.has(id)) return undefined;
    const record = this.store.getCandidate(id);
    if (record === undefined || record.evaluation.status !== 'ok' || record.evaluation.score === undefined) return undefined;
    return entryOf(record.candidate, record.evaluation);
  }

  /**
   * Applies a committed candidate: the one code path shared by live runs and resume. `costUsd`, what
   * its proposal's model calls cost, is read only for a child of a prompt template.
   */
  apply(candidate: Omit<Candidate, 'genome'>, evaluation: Evaluation, reward: number, genomeHash: string, costUsd = 0): boolean {
    this.seen.add(genomeHash);
    this.evaluations++;
    this.nextSeq = Math.max(this.nextSeq, candidate.seq + 1);
    if (candidate.parentIds.length > 0) {
      this.archive.recordChild(candidate.parentIds);
      this.bandit.update(candidate.origin.operator, reward);
      if (candidate.origin.model) this.modelBandit?.update(candidate.origin.model, reward);
      this.noteOutcome(candidate, evaluation);
      const { template } = candidate.origin;
      if (template !== undefined) {
        const beat = beatsParent(this.scores.get(candidate.parentIds[0] as string), evaluation);
        this.prompts?.child(template, { reward, beat, costUsd });
      }
    }
    if (evaluation.status === 'error' || evaluation.status === 'timeout') {
      this.failedEntries.push({ ...entryOf(candidate, evaluation), score: Number.NaN });
      if (this.failedEntries.length > RECENT_FAILURES) this.failedEntries.shift();
    }
    if (evaluation.status !== 'ok' || evaluation.score === undefined) return false;
    this.scores.set(candidate.id, evaluation.score);
    this.archive.add(entryOf(candidate, evaluation));
    if (this.best === undefined || evaluation.score > this.best.score) {
      this.best = { id: candidate.id, score: evaluation.score };
      return true;
    }
    return false;
  }

  private noteOutcome(candidate: Omit<Candidate, 'genome'>, evaluation: Evaluation): void {
    const parentScore = this.scores.get(candidate.parentIds[0] as string);
    this.outcomes.push({
      operator: candidate.origin.operator,
      ...(candidate.origin.model ? { model: candidate.origin.model } : {}),
      description: candidate.origin.description,
      diff: candidate.origin.diff,
      ...(parentScore === undefined ? {} : { parentScore }),
      ...(evaluation.score === undefined ? {} : { score: evaluation.score }),
      status: evaluation.status,
      ...(evaluation.error === undefined ? {} : { error: evaluation.error }),
    });
    if (this.outcomes.length > OUTCOME_WINDOW) this.outcomes.splice(0, this.outcomes.length - OUTCOME_WINDOW);
  }

  /**
   * A failed or duplicate proposal earns its operator (and model, and prompt template) nothing; it
   * is counted for the next write, apart from those of other templates, with what it cost.
   */
  noteFailure(
    operator: string,
    kind: 'failed' | 'duplicate',
    reason: string,
    model?: string,
    template?: { id: string; costUsd: number },
  ): void {
    this.bandit.update(operator, 0);
    if (model) this.modelBandit?.update(model, 0);
    if (template) this.prompts?.failed(template.id);
    const key = template === undefined ? `${operator}\0${model ?? ''}\0${kind}` : `${operator}\0${model ?? ''}\0${kind}\0${template.id}`;
    const batch = this.pendingFailures.get(key) ?? {
      operator,
      ...(model ? { model } : {}),
      kind,
      count: 0,
      reason,
      rngState: this.rng.state(),
      ...(template ? { template: template.id, costUsd: 0 } : {}),
    };
    batch.count++;
    if (template) batch.costUsd = (batch.costUsd ?? 0) + template.costUsd;
    batch.reason = reason;
    batch.rngState = this.rng.state();
    this.pendingFailures.set(key, batch);
  }

  /** The failed proposals counted since the last write, each batch with its place in the log. */
  takeFailures(): FailedProposals[] {
    const batches = [...this.pendingFailures.values()].map((batch) => ({ ...batch, logOrder: this.nextLogOrder++ }));
    this.pendingFailures = new Map();
    for (const batch of batches) if (batch.template !== undefined) this.prompts?.spent(batch.template, batch.costUsd ?? 0);
    return batches;
  }

  remember(id: string, data: ParentData): void {
    this.parents.set(id, data);
  }

  /** Rebuilds the state from committed candidates; returns how many were replayed. */
  replay(): number {
    const committed = new Set<number>();
    for (const row of this.store.replay(this.runId)) {
      // The RNG continues from the last logged step; with concurrency 1 that is exactly where the run stood.
      if (row.kind === 'failures') {
        for (let index = 0; index < row.failures.count; index++) {
          this.bandit.update(row.failures.operator, 0);
          if (row.failures.model) this.modelBandit?.update(row.failures.model, 0);
        }
        this.rng = new Rng(row.failures.rngState);
        this.nextLogOrder = row.failures.logOrder + 1;
        continue;
      }
      this.apply(row.candidate, row.evaluation, row.state.reward, row.state.genomeHash);
      committed.add(row.candidate.seq);
      this.elapsedBeforeMs = Math.max(this.elapsedBeforeMs, row.state.elapsedMs);
      this.rng = new Rng(row.state.rngState);
      this.nextLogOrder = row.state.logOrder + 1;
    }
    // Commits land out of seq order when evaluations overlap, so a session that stopped (or was
    // killed) with proposals in flight leaves holes; the resumed run gives those seqs out first.
    for (let seq = 1; seq < this.nextSeq; seq++) if (!committed.has(seq)) this.holes.push(seq);
    return this.evaluations;
  }

  /** The seq for the next child: a hole a stopped session left, else the next new one. */
  takeSeq(): number {
    return this.holes.shift() ?? this.nextSeq++;
  }
}

/**
 * The archive's view of a committed candidate. Per-instance scores are carried only when the
 * evaluator gave some, so entries (and archives that never read them) stay as they were.
 */
export function entryOf(candidate: Omit<Candidate, 'genome'>, evaluation: Evaluation): ArchiveEntry {
  const entry: ArchiveEntry = {
    id: candidate.id,
    seq: candidate.seq,
    score: evaluation.score as number,
    island: candidate.island,
    generation: candidate.generation,
    parentIds: candidate.parentIds,
    features: evaluation.features,
  };
  if (Object.keys(evaluation.instances ?? {}).length > 0) entry.instances = evaluation.instances;
  return entry;
}

export function hashGenome(genome: Genome): string {
  return createHash('sha1').update(normalizeGenome(genome)).digest('hex');
}
