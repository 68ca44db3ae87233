import { checkFrozen, diffGenomes, genomeFeatures } from '../core/genome.ts';
import type { EvaluationRequest } from '../core/evaluators.ts';
import {
  isProposalFailure,
  type Lineage,
  type Operator,
  type ParentView,
  type PromptTemplateChoice,
  type ProposalResult,
  type RemoteProposals,
} from '../core/operator.ts';
import type { RngState } from '../core/rng.ts';
import type { ArchiveEntry, Candidate, Evaluation, Genome } from '../core/types.ts';
import { improvementReward } from '../propose/index.ts';
import type { NoveltyFilter } from '../propose/novelty.ts';
import type { Store } from '../store/store.ts';
import type { EmbeddingNovelty } from './compose/embedding-novelty.ts';
import type { RunModels } from '../llm/index.ts';
import type { PromptEvolution } from './prompt-evolution/prompt-evolution.ts';
import type { RunState } from './state.ts';
import { hashGenome, parentEvaluation } from './state.ts';

export type Evaluate = (candidateId: string, genome: Genome, request?: EvaluationRequest) => Promise<Evaluation>;

/** What proposing needs besides the run's state. */
export interface ProposeDeps {
  operators: ReadonlyMap<string, Operator>;
  models?: RunModels;
  novelty: NoveltyFilter;
  /** Near-duplicates by embedding cosine, when the experiment names an embedding model. */
  embeddings?: EmbeddingNovelty;
  /** Near-duplicate checks apply to LLM proposals only, or to all. */
  noveltyScope: 'llm' | 'all';
  description?: string;
  /** Inspirations shown to LLM operators. */
  inspirations: number;
  /** Cost in US dollars that halves a reward. */
  costScale: number;
  /** A fresh id for each proposal, under which its model calls are recorded. */
  nextProposalId: () => string;
  /** Proposes elsewhere (the fleet) for the operators it accepts. */
  remote?: RemoteProposals;
  /** The run's family tree, handed to operators of arity 2 (llm-merge looks for a common ancestor). */
  lineage?: Lineage;
  /** The LLM operators' evolving templates (`proposal.evolvePrompts`): each LLM proposal is handed one. */
  prompts?: Pick<PromptEvolution, 'pick'>;
}

/** A child ready for evaluation. */
export interface PendingChild {
  candidate: Candidate;
  parentScore: number | undefined;
  genomeHash: string;
  rngState: RngState;
  /** What the proposal's model calls cost, in US dollars. */
  costUsd: number;
  /** The primary parent, shown to the evaluator as `context.parent`. */
  parent?: { id: string; genome: Genome };
}

/** A proposal that yields no child to evaluate. */
export interface ProposalMiss {
  kind: 'failed' | 'duplicate';
  operator: string;
  model?: string;
  reason: string;
  /** The prompt template it was made with, and what its model calls cost (`proposal.evolvePrompts`). */
  template?: { id: string; costUsd: number };
}

export type ProposeOutcome = { kind: 'child'; child: PendingChild } | ProposalMiss;

/** Steps 1-5 of the loop: choose an operator (and model) and parents, propose, reject illegal and duplicate children. */
export async function proposeChild(state: RunState, deps: ProposeDeps, signal?: AbortSignal): Promise<ProposeOutcome> {
  const name = state.bandit.choose(state.rng);
  const operator = deps.operators.get(name) as Operator;
  const modelId = operator.usesModel && deps.models && state.modelBandit ? state.modelBandit.choose(state.rng) : undefined;
  // Set once the operator has been handed a template: a failure from then on is that template's.
  let template: PromptTemplateChoice | undefined;
  let costUsd = 0;
  const fail = (kind: 'failed' | 'duplicate', reason: string): ProposeOutcome => ({
    kind,
    operator: name,
    ...(modelId ? { model: modelId } : {}),
    reason,
    ...(template ? { template: { id: template.id, costUsd } } : {}),
  });

  const fromFailures = operator.parentSource === 'failures';
  const preferred = !fromFailures && operator.arity === 1 ? operator.preferredParent?.(state.best) : undefined;
  const wanted = preferred === undefined ? undefined : state.scoredEntry(preferred);
  const parents = distinctParents(
    wanted !== undefined
      ? [wanted]
      : fromFailures
        ? pickFailed(state, operator.arity)
        : state.archive.selectParents(state.rng, operator.arity),
  );
  if (parents.length < operator.arity) {
    // No model was called, so the model is not charged for it.
    const source = fromFailures ? 'recent failed candidates' : 'archive';
    const reason =
      parents.length === 0
        ? fromFailures
          ? 'no failed candidate to repair yet'
          : 'the archive is empty'
        : `${name} needs ${operator.arity} different parents, and the ${source} holds only ${parents.length} so far`;
    return { kind: 'failed', operator: name, reason };
  }
  const views: ParentView[] = parents.map((entry) => ({ entry, ...state.parent(entry) }));
  const primary = views[0] as ParentView;

  let inspirations: ParentView[] = [];
  if (operator.usesModel && deps.inspirations > 0) {
    const exclude = new Set(parents.map((entry) => entry.id));
    inspirations = state.archive.inspirations(state.rng, deps.inspirations, exclude).map((entry) => ({ entry, ...state.parent(entry) }));
  }
  const proposal = modelId ? deps.nextProposalId() : undefined;
  let result: ProposalResult;
  if (deps.remote?.accepts(operator)) {
    const refused = modelId ? deps.models?.admit() : null;
    if (refused) return fail('failed', `model call refused: ${refused}`);
    const remote = await deps.remote.propose({
      operator: name,
      seed: state.rng.uint32(),
      parents: views,
      inspirations,
      lessons: state.lessons,
      allowance: deps.models?.remaining() ?? {},
      ...(signal ? { signal } : {}),
      ...(modelId ? { model: modelId } : {}),
      ...(proposal ? { proposal } : {}),
      ...(deps.description ? { description: deps.description } : {}),
    });
    // The worker's calls enter the run's store and ledger here, as if this process had made them.
    for (const exchange of remote.exchanges) {
      deps.models?.book(exchange);
      costUsd += exchange.costUsd;
    }
    result = remote.result;
  } else {
    const bound = modelId && proposal ? deps.models?.bind(modelId, proposal) : undefined;
    if (modelId && deps.prompts) {
      template = await deps.prompts.pick(name, { rng: state.rng, modelId, evaluations: state.evaluations, ...(signal ? { signal } : {}) });
    }
    try {
      result = await operator.propose({
        parents: views,
        inspirations,
        rng: state.rng,
        signal,
        ...(bound ? { model: bound.handle } : {}),
        lessons: state.lessons,
        ...(deps.description ? { description: deps.description } : {}),
        ...(deps.lineage && operator.arity === 2 ? { lineage: deps.lineage } : {}),
        ...(template ? { promptTemplate: template } : {}),
      });
    } catch (error) {
      // A model operator's errors carry the run's model policy (budgets, retries), so they go up;
      // an embedded operator that throws has a bug, and one proposal fails for it, not the run.
      if (operator.usesModel) throw error;
      return fail('failed', `${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    costUsd = bound?.spentUsd() ?? 0;
  }
  if (isProposalFailure(result)) return fail('failed', result.failure);
  const illegal = checkFrozen(primary.genome, result.genome);
  if (illegal) return fail('failed', illegal);
  const genomeHash = hashGenome(result.genome);
  if (state.seen.has(genomeHash)) return fail('duplicate', 'genome already evaluated in this run');
  // Claim the hash now so a concurrent proposal of the same genome is also dropped.
  state.seen.add(genomeHash);
  if (deps.noveltyScope === 'all' || operator.usesModel) {
    const near = await nearDuplicate(deps, result.genome, genomeHash, views);
    if (near) {
      state.seen.delete(genomeHash);
      return fail('duplicate', near);
    }
  }
  const seq = state.takeSeq();
  const candidate: Candidate = {
    id: `${state.runId}-${seq}`,
    runId: state.runId,
    seq,
    parentIds: parents.map((entry) => entry.id),
    generation: Math.max(...parents.map((entry) => entry.generation)) + 1,
    island: primary.entry.island,
    genome: result.genome,
    origin: {
      operator: name,
      description: result.description,
      diff: diffGenomes(primary.genome, result.genome),
      ...(modelId ? { model: modelId } : {}),
      ...(result.rationale ? { rationale: result.rationale } : {}),
      ...(proposal ? { proposal } : {}),
      ...(template ? { template: template.id } : {}),
    },
    createdAt: Date.now(),
  };
  const parentScore = Number.isFinite(primary.entry.score) ? primary.entry.score : undefined;
  return {
    kind: 'child',
    child: {
      candidate,
      parentScore,
      genomeHash,
      rngState: state.rng.state(),
      costUsd,
      parent: { id: primary.entry.id, genome: primary.genome },
    },
  };
}

/** Why a genome counts as a near-duplicate of a parent or a recent candidate, or undefined. */
async function nearDuplicate(
  deps: ProposeDeps,
  genome: Genome,
  genomeHash: string,
  views: readonly ParentView[],
): Promise<string | undefined> {
  const parents = views.map((view) => ({ id: view.entry.id, genome: view.genome }));
  const near = deps.novelty.nearest(genome, parents);
  if (near && near.similarity >= deps.novelty.threshold) {
    return `near-duplicate of ${near.id} (token ${deps.novelty.ngram}-gram similarity ${near.similarity.toFixed(3)})`;
  }
  if (!deps.embeddings) return undefined;
  const close = await deps.embeddings.nearest(genome, genomeHash, parents);
  if (close && close.similarity >= deps.embeddings.threshold) {
    deps.embeddings.forget(genomeHash);
    return `near-duplicate of ${close.id} (embedding cosine ${close.similarity.toFixed(4)})`;
  }
  return undefined;
}

/** Up to `count` different recent failed candidates, for operators that repair them. */
function pickFailed(state: RunState, count: number): ArchiveEntry[] {
  const pool = [...state.failedEntries];
  const picked: ArchiveEntry[] = [];
  while (picked.length < count && pool.length > 0) picked.push(...pool.splice(state.rng.int(pool.length), 1));
  return picked;
}

/**
 * The parents with any repeated id dropped, first occurrence kept: an archive outside this
 * package may still repeat one, and a child names each parent once.
 */
function distinctParents(parents: readonly ArchiveEntry[]): ArchiveEntry[] {
  const seen = new Set<string>();
  return parents.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
}

/** Counts a proposal that yields no evaluation and charges its operator a zero reward; written with the next commit. */
export function recordFailure(state: RunState, outcome: ProposalMiss): void {
  state.noteFailure(outcome.operator, outcome.kind, outcome.reason, outcome.model, outcome.template);
}

/** Writes failed proposals that no commit followed, so that a resumed run does not redo them. */
export function flushFailures(state: RunState, store: Store): void {
  store.recordFailedProposals(state.runId, state.takeFailures());
}

/**
 * The bandits' reward: 1 for a child that beats the run's best, a share for one that beats only its
 * parent (see `improvementReward`), discounted by what its model calls
 * cost, so that a free embedded mutation and a paid LLM one are compared per dollar.
 */
export function costAwareReward(
  parentScore: number | undefined,
  childScore: number | undefined,
  costUsd: number,
  costScale: number,
  bestScore?: number,
): number {
  return improvementReward(parentScore, childScore, bestScore) / (1 + costUsd / costScale);
}

/** Steps 6-9: evaluate, commit candidate and evaluation in one transaction, update archive and bandits. */
export async function evaluateAndCommit(
  state: RunState,
  store: Store,
  evaluate: Evaluate,
  child: PendingChild,
  elapsedMs: () => number,
  costScale = 0.01,
): Promise<{ evaluation: Evaluation; improved: boolean }> {
  const { candidate } = child;
  const raw = await evaluate(candidate.id, candidate.genome, child.parent ? { parent: child.parent } : {});
  const evaluation: Evaluation = { ...raw, features: { ...genomeFeatures(candidate.genome), ...raw.features } };
  const reward = costAwareReward(child.parentScore, evaluation.score, child.costUsd, costScale, state.best?.score);
  const failures = state.takeFailures();
  store.commitCandidate(
    candidate,
    evaluation,
    {
      rngState: child.rngState,
      reward,
      elapsedMs: elapsedMs(),
      genomeHash: child.genomeHash,
      logOrder: state.nextLogOrder++,
    },
    failures,
  );
  state.remember(candidate.id, { genome: candidate.genome, feedback: evaluation.feedback, evaluation: parentEvaluation(evaluation) });
  const improved = state.apply(candidate, evaluation, reward, child.genomeHash, child.costUsd);
  return { evaluation, improved };
}
