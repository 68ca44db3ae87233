import { createHash } from 'node:crypto';
import type { Archive } from '../core/archive.ts';
import { normalizeGenome } from '../core/genome.ts';
import { Rng } from '../core/rng.ts';
import type { ArchiveEntry, Candidate, Evaluation, Genome } from '../core/types.ts';
import type { OperatorBandit } from '../propose/index.ts';
import type { FailedProposals, Store } from '../store/store.ts';
import { Lru } from './lru.ts';

export interface ParentData {
  genome: Genome;
  feedback: string;
}

/** Everything a run holds in memory; all of it can be rebuilt from the store. */
export class RunState {
  readonly seen = new Set<string>();
  nextSeq = 0;
  /** Next position in the run's log of commits and failed proposals. */
  nextLogOrder = 0;
  evaluations = 0;
  /** Wall time used by earlier sessions of this run. */
  elapsedBeforeMs = 0;
  best: { id: string; score: number } | undefined;
  private readonly parents = new Lru<string, ParentData>(256);
  /** Failed proposals not yet written: they go to the store with the next commit. */
  private pendingFailures = new Map<string, Omit<FailedProposals, 'logOrder'>>();

  constructor(
    readonly runId: string,
    readonly archive: Archive,
    readonly bandit: OperatorBandit,
    public rng: Rng,
    private readonly store: Store,
  ) {}

  /** Parent genome and feedback, from memory when recent, else from the store. */
  parent(entry: ArchiveEntry): ParentData {
    const cached = this.parents.get(entry.id);
    if (cached) return cached;
    const record = this.store.getCandidate(entry.id);
    if (!record) throw new Error(`archive names candidate ${entry.id}, which the store does not have`);
    const data = { genome: record.candidate.genome, feedback: record.evaluation.feedback };
    this.parents.set(entry.id, data);
    return data;
  }

  /** Applies a committed candidate: the one code path shared by live runs and resume. */
  apply(candidate: Omit<Candidate, 'genome'>, evaluation: Evaluation, reward: number, genomeHash: string): boolean {
    this.seen.add(genomeHash);
    this.evaluations++;
    this.nextSeq = Math.max(this.nextSeq, candidate.seq + 1);
    if (candidate.parentIds.length > 0) {
      this.archive.recordChild(candidate.parentIds);
      this.bandit.update(candidate.origin.operator, reward);
    }
    if (evaluation.status !== 'ok' || evaluation.score === undefined) return false;
    this.archive.add(entryOf(candidate, evaluation));
    if (this.best === undefined || evaluation.score > this.best.score) {
      this.best = { id: candidate.id, score: evaluation.score };
      return true;
    }
    return false;
  }

  /** A failed or duplicate proposal earns its operator nothing; it is counted for the next write. */
  noteFailure(operator: string, kind: 'failed' | 'duplicate', reason: string): void {
    this.bandit.update(operator, 0);
    const key = `${operator}\0${kind}`;
    const batch = this.pendingFailures.get(key) ?? { operator, kind, count: 0, reason, rngState: this.rng.state() };
    batch.count++;
    batch.reason = reason;
    batch.rngState = this.rng.state();
    this.pendingFailures.set(key, batch);
  }

  /** The failed proposals counted since the last write, each batch with its place in the log. */
  takeFailures(): FailedProposals[] {
    const batches = [...this.pendingFailures.values()].map((batch) => ({ ...batch, logOrder: this.nextLogOrder++ }));
    this.pendingFailures = new Map();
    return batches;
  }

  remember(id: string, data: ParentData): void {
    this.parents.set(id, data);
  }

  /** Rebuilds the state from committed candidates; returns how many were replayed. */
  replay(): number {
    for (const row of this.store.replay(this.runId)) {
      // The RNG continues from the last logged step; with concurrency 1 that is exactly where the run stood.
      if (row.kind === 'failures') {
        for (let index = 0; index < row.failures.count; index++) this.bandit.update(row.failures.operator, 0);
        this.rng = new Rng(row.failures.rngState);
        this.nextLogOrder = row.failures.logOrder + 1;
        continue;
      }
      this.apply(row.candidate, row.evaluation, row.state.reward, row.state.genomeHash);
      this.elapsedBeforeMs = Math.max(this.elapsedBeforeMs, row.state.elapsedMs);
      this.rng = new Rng(row.state.rngState);
      this.nextLogOrder = row.state.logOrder + 1;
    }
    return this.evaluations;
  }
}

export function entryOf(candidate: Omit<Candidate, 'genome'>, evaluation: Evaluation): ArchiveEntry {
  return {
    id: candidate.id,
    seq: candidate.seq,
    score: evaluation.score as number,
    island: candidate.island,
    generation: candidate.generation,
    parentIds: candidate.parentIds,
    features: evaluation.features,
  };
}

export function hashGenome(genome: Genome): string {
  return createHash('sha1').update(normalizeGenome(genome)).digest('hex');
}
