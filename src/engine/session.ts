import { budgetReached, type Budget, type StopReason } from '../core/budget.ts';
import type { Emitter, RunEvents } from '../core/events.ts';
import type { Candidate, Evaluation } from '../core/types.ts';
import type { Store } from '../store/store.ts';
import { evaluateAndCommit, proposeChild, recordFailure, type Evaluate, type PendingChild, type ProposeDeps } from './pipeline.ts';
import type { RunState } from './state.ts';

export type SessionEnd = StopReason | 'interrupted' | 'operators-exhausted' | 'model-failures';

export interface SessionOptions {
  state: RunState;
  store: Store;
  deps: ProposeDeps;
  evaluate: Evaluate;
  budget: Budget;
  evaluationConcurrency: number;
  proposalConcurrency: number;
  events: Emitter<RunEvents>;
  /** Graceful stop: launch nothing new, let in-flight evaluations finish and commit. */
  signal?: AbortSignal;
  /** Hard stop: stop waiting for in-flight evaluations; they are not committed and rerun on resume. */
  abandonSignal?: AbortSignal;
  /** Consecutive failed or duplicate proposals after which the run gives up. */
  maxConsecutiveFailures: number;
  /** Consecutive failed or duplicate LLM proposals after which the run stops. */
  maxConsecutiveModelFailures: number;
  /** The lessons step, run after a commit when it returns true for the evaluation count. */
  lessons?: { due: (evaluations: number) => boolean; learn: (signal?: AbortSignal) => Promise<void> };
  /** Tells a committed child's operator how it scored, for operators that learn (see `Learners`). */
  teach?: (candidate: Candidate, evaluation: Evaluation) => Promise<void>;
}

/**
 * One session of a run: select, propose, evaluate, record, learn. Proposals and evaluations overlap, with at most
 * `proposalConcurrency` proposals and `evaluationConcurrency` pipelines in flight. With both at 1
 * every step happens in a fixed order, so a seeded run is reproducible bit for bit.
 */
export class Session {
  private readonly startedAt = Date.now();
  private proposing = 0;
  private evaluating = 0;
  private failures = 0;
  private modelFailures = 0;
  private exhausted = false;
  private modelsFailing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private waiters: Array<() => void> = [];
  private fatal: { error: unknown } | undefined;

  constructor(private readonly options: SessionOptions) {}

  elapsedMs = (): number => this.options.state.elapsedBeforeMs + (Date.now() - this.startedAt);

  private stopReason(): SessionEnd | null {
    const { state, budget, signal } = this.options;
    if (signal?.aborted) return 'interrupted';
    if (this.exhausted) return 'operators-exhausted';
    if (this.modelsFailing) return 'model-failures';
    const spend = this.options.deps.models?.ledger.totals();
    const reached = budgetReached(budget, {
      evaluations: state.evaluations + this.evaluating,
      wallTimeMs: this.elapsedMs(),
      bestScore: state.best?.score,
      tokens: spend?.tokens,
      costUsd: spend?.costUsd,
    });
    return reached;
  }

  async run(): Promise<SessionEnd> {
    const { evaluationConcurrency, proposalConcurrency } = this.options;
    const pipelines = Math.max(evaluationConcurrency, proposalConcurrency);
    let end: SessionEnd | null = null;
    const wake = this.wakeOnStop();
    while (!this.fatal && !(end = this.stopReason())) {
      // With both limits at 1 a pipeline starts only when the previous one is done, so runs replay exactly.
      if (this.proposing < proposalConcurrency && this.proposing + this.evaluating < pipelines) {
        this.track(this.pipeline());
        continue;
      }
      await Promise.race([this.nextChange(), wake.promise]);
    }
    this.options.events.emit('run-stopping', { reason: end ?? 'interrupted' });
    await this.drain();
    wake.dispose();
    if (this.fatal) throw this.fatal.error;
    return end ?? 'interrupted';
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        this.fatal ??= { error };
      })
      .finally(() => {
        this.inFlight.delete(tracked);
        this.changed();
      });
    this.inFlight.add(tracked);
  }

  /** Resolves the next time a proposal or evaluation starts or ends. */
  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private async drain(): Promise<void> {
    const abandon = this.options.abandonSignal;
    if (abandon?.aborted) return;
    const abandoned = new Promise<void>((resolve) => abandon?.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.idle(), abandoned]);
  }

  /** Resolves when a stop signal arrives or the wall-time budget runs out, so the loop re-checks. */
  private wakeOnStop(): { promise: Promise<void>; dispose: () => void } {
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => {};
    const promise = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      this.options.signal?.addEventListener('abort', onAbort, { once: true });
      const { wallTimeMs } = this.options.budget;
      if (wallTimeMs !== undefined) timer = setTimeout(resolve, Math.max(0, wallTimeMs - this.elapsedMs()) + 5);
    });
    return {
      promise,
      dispose: () => {
        if (timer) clearTimeout(timer);
        this.options.signal?.removeEventListener('abort', onAbort);
      },
    };
  }

  private async pipeline(): Promise<void> {
    const { state, deps, events, signal } = this.options;
    this.proposing++;
    let outcome: Awaited<ReturnType<typeof proposeChild>>;
    try {
      outcome = await proposeChild(state, deps, signal);
    } finally {
      this.proposing--;
      this.changed();
    }
    if (outcome.kind !== 'child') {
      recordFailure(this.options.state, outcome);
      this.failures++;
      if (this.failures >= this.options.maxConsecutiveFailures) this.exhausted = true;
      if (outcome.model !== undefined && ++this.modelFailures >= this.options.maxConsecutiveModelFailures) this.modelsFailing = true;
      if (outcome.kind === 'failed') events.emit('proposal-failed', { operator: outcome.operator, reason: outcome.reason });
      else events.emit('duplicate-dropped', { operator: outcome.operator, reason: outcome.reason });
      return;
    }
    this.failures = 0;
    if (outcome.child.candidate.origin.model !== undefined) this.modelFailures = 0;
    // A proposal that finishes after the budget filled or a stop arrived is dropped, not evaluated.
    if (this.stopReason()) return;
    this.evaluating++;
    this.changed();
    try {
      const committed = await this.evaluateChild(outcome.child);
      // The lessons step runs inside the pipeline, so with concurrency 1 the next prompt always sees it.
      const { lessons } = this.options;
      if (committed && lessons?.due(state.evaluations)) await lessons.learn(signal);
    } finally {
      this.evaluating--;
    }
  }

  private async evaluateChild(child: PendingChild): Promise<boolean> {
    const { state, store, evaluate, events, abandonSignal, deps } = this.options;
    const guarded: Evaluate = async (id, genome, request) => {
      const result = await evaluate(id, genome, request);
      // A result that arrives after the user abandoned in-flight work is not committed.
      if (abandonSignal?.aborted) throw new AbandonedError();
      return result;
    };
    let evaluation: Evaluation;
    try {
      const committed = await evaluateAndCommit(state, store, guarded, child, this.elapsedMs, deps.costScale);
      evaluation = committed.evaluation;
      deps.novelty.remember(child.candidate.id, child.candidate.genome);
      deps.embeddings?.remember(child.candidate.id, child.genomeHash);
      events.emit('candidate-recorded', { candidate: child.candidate, evaluation, bestScore: state.best?.score });
      if (committed.improved && evaluation.score !== undefined) {
        events.emit('best-improved', { candidate: child.candidate, score: evaluation.score });
      }
    } catch (error) {
      deps.embeddings?.forget(child.genomeHash);
      if (!(error instanceof AbandonedError)) throw error;
      return false;
    }
    // After the commit, outside its error handling: the child is stored whatever the operator makes of it.
    await this.options.teach?.(child.candidate, evaluation);
    return true;
  }
}

class AbandonedError extends Error {}
