import { checkFrozen, diffGenomes, genomeFeatures } from '../core/genome.ts';
import { isProposalFailure, type Operator } from '../core/operator.ts';
import type { RngState } from '../core/rng.ts';
import type { Candidate, Evaluation, Genome } from '../core/types.ts';
import { improvementReward } from '../propose/index.ts';
import type { Store } from '../store/store.ts';
import type { RunState } from './state.ts';
import { hashGenome } from './state.ts';

export interface Evaluate {
  (candidateId: string, genome: Genome): Promise<Evaluation>;
}

/** A child ready for evaluation. */
export interface PendingChild {
  candidate: Candidate;
  parentScore: number | undefined;
  genomeHash: string;
  rngState: RngState;
}

export type ProposeOutcome =
  | { kind: 'child'; child: PendingChild }
  | { kind: 'failed' | 'duplicate'; operator: string; reason: string };

/** Steps 1-5 of the loop: choose an operator and parents, propose, reject illegal and duplicate children. */
export async function proposeChild(state: RunState, operators: ReadonlyMap<string, Operator>, signal?: AbortSignal): Promise<ProposeOutcome> {
  const name = state.bandit.choose(state.rng);
  const operator = operators.get(name) as Operator;
  const parents = state.archive.selectParents(state.rng, operator.arity);
  const views = parents.map((entry) => ({ entry, ...state.parent(entry) }));
  const primary = views[0];
  if (!primary) return { kind: 'failed', operator: name, reason: 'the archive is empty' };
  const result = await operator.propose({ parents: views, inspirations: [], rng: state.rng, signal });
  if (isProposalFailure(result)) return { kind: 'failed', operator: name, reason: result.failure };
  const illegal = checkFrozen(primary.genome, result.genome);
  if (illegal) return { kind: 'failed', operator: name, reason: illegal };
  const genomeHash = hashGenome(result.genome);
  if (state.seen.has(genomeHash)) return { kind: 'duplicate', operator: name, reason: 'genome already evaluated in this run' };
  // Claim the hash now so a concurrent proposal of the same genome is also dropped.
  state.seen.add(genomeHash);
  const seq = state.nextSeq++;
  const candidate: Candidate = {
    id: `${state.runId}-${seq}`,
    runId: state.runId,
    seq,
    parentIds: parents.map((entry) => entry.id),
    generation: Math.max(...parents.map((entry) => entry.generation)) + 1,
    island: primary.entry.island,
    genome: result.genome,
    origin: { operator: name, description: result.description, diff: diffGenomes(primary.genome, result.genome) },
    createdAt: Date.now(),
  };
  return { kind: 'child', child: { candidate, parentScore: primary.entry.score, genomeHash, rngState: state.rng.state() } };
}

/** Counts a proposal that yields no evaluation and charges its operator a zero reward; written with the next commit. */
export function recordFailure(state: RunState, outcome: { kind: 'failed' | 'duplicate'; operator: string; reason: string }): void {
  state.noteFailure(outcome.operator, outcome.kind, outcome.reason);
}

/** Writes failed proposals that no commit followed, so that a resumed run does not redo them. */
export function flushFailures(state: RunState, store: Store): void {
  store.recordFailedProposals(state.runId, state.takeFailures());
}

/** Steps 6-9: evaluate, commit candidate and evaluation in one transaction, update archive and bandit. */
export async function evaluateAndCommit(
  state: RunState,
  store: Store,
  evaluate: Evaluate,
  child: PendingChild,
  elapsedMs: () => number,
): Promise<{ evaluation: Evaluation; improved: boolean }> {
  const { candidate } = child;
  const raw = await evaluate(candidate.id, candidate.genome);
  const evaluation: Evaluation = { ...raw, features: { ...genomeFeatures(candidate.genome), ...raw.features } };
  const reward = improvementReward(child.parentScore, evaluation.score);
  const failures = state.takeFailures();
  store.commitCandidate(candidate, evaluation, {
    rngState: child.rngState, reward, elapsedMs: elapsedMs(), genomeHash: child.genomeHash, logOrder: state.nextLogOrder++,
  }, failures);
  state.remember(candidate.id, { genome: candidate.genome, feedback: evaluation.feedback });
  const improved = state.apply(candidate, evaluation, reward, child.genomeHash);
  return { evaluation, improved };
}
