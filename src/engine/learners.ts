import type { Operator } from '../core/operator.ts';
import type { Candidate, Evaluation, Genome } from '../core/types.ts';
import type { Store } from '../store/store.ts';

/**
 * Tells operators that learn (`Operator.learn`) how each of their children scored: live, right
 * after the child is committed, and on resume by going through the stored children again in
 * commit order, which is the order the live calls came in. Calls are chained, so an operator sees
 * them one at a time and in that order even when evaluations overlap.
 *
 * With concurrency 1 a resumed run therefore continues with the state an uninterrupted run
 * would have. With more, live outcomes arrive in completion order, so which proposals saw which
 * state depends on timing, as everything does then; the replayed state still matches the
 * commits.
 */
export class Learners {
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    private readonly operators: ReadonlyMap<string, Operator>,
    private readonly store: Store,
    private readonly runId: string,
  ) {}

  /** Learners for a run, or undefined when none of its operators learns. */
  static of(operators: ReadonlyMap<string, Operator>, store: Store, runId: string): Learners | undefined {
    return [...operators.values()].some((operator) => operator.learn !== undefined) ? new Learners(operators, store, runId) : undefined;
  }

  /** Tells a freshly committed child's operator how it scored; resolves once the operator has taken it in. */
  teach = (candidate: Candidate, evaluation: Evaluation): Promise<void> => {
    const operator = this.operators.get(candidate.origin.operator);
    const parentId = candidate.parentIds[0];
    if (operator?.learn === undefined || parentId === undefined) return Promise.resolve();
    return this.enqueue(operator, parentId, candidate.id, candidate.genome, evaluation);
  };

  /** Rebuilds what the operators learned from the run's stored children; returns how many were told. */
  async replay(): Promise<number> {
    const due: Array<{ operator: Operator; id: string; parentId: string; evaluation: Evaluation }> = [];
    // Collected first: the store's replay is a cursor, and genomes are read with other queries.
    for (const row of this.store.replay(this.runId)) {
      if (row.kind !== 'candidate') continue;
      const operator = this.operators.get(row.candidate.origin.operator);
      const parentId = row.candidate.parentIds[0];
      if (operator?.learn === undefined || parentId === undefined) continue;
      due.push({ operator, id: row.candidate.id, parentId, evaluation: row.evaluation });
    }
    for (const { operator, id, parentId, evaluation } of due) {
      await this.enqueue(operator, parentId, id, this.genome(id), evaluation);
    }
    return due.length;
  }

  private enqueue(operator: Operator, parentId: string, childId: string, child: Genome, evaluation: Evaluation): Promise<void> {
    const fitness = evaluation.status === 'ok' && Number.isFinite(evaluation.score) ? evaluation.score : undefined;
    const run = this.tail.then(() => {
      const parentScore = this.store.getCandidate(parentId)?.evaluation.score;
      const parentFitness = parentScore !== undefined && Number.isFinite(parentScore) ? parentScore : undefined;
      return operator.learn?.({
        parent: this.genome(parentId),
        parentId,
        childId,
        child,
        fitness,
        ...(parentFitness === undefined ? {} : { parentFitness }),
      });
    });
    this.tail = run.catch(() => {});
    return run;
  }

  private genome(id: string): Genome {
    const genome = this.store.getGenome(id);
    if (genome === undefined) throw new Error(`run ${this.runId}: the store has no genome for candidate ${id}`);
    return genome;
  }
}
