/**
 * One child of the DGM loop: select a parent, diagnose one of its failures, let the parent edit
 * its own code with that problem statement, check the result, and evaluate it in stages.
 */
import type { AgentGenome } from '../agent.ts';
import { ModelCallError } from '../../core/model.ts';
import type { DgmArchive } from '../../archive/dgm.ts';
import type { Rng } from '../../core/rng.ts';
import type { AgentDiagnosis, AgentMetrics, AgentRecord, AgentTaskResult, NewAgentRecord, PhaseSpend } from './store.ts';
import { runnerUpScore } from './archive.ts';
import { compileError } from './compiles.ts';
import { diagnosisMessages, pickFailure, problemOf } from './diagnose.ts';
import { evaluateStaged, type StagedEvaluationContext } from './evaluate.ts';
import { linkOf } from './lineage.ts';
import type { DgmEvent, DgmOptions } from './options.ts';

export interface DgmSession {
  runId: string;
  records: AgentRecord[];
  genomes: Map<string, AgentGenome>;
  archive: DgmArchive;
  rng: Rng;
  selfModifyTimeoutMs: number;
  staged: StagedEvaluationContext;
  options: DgmOptions;
  /** Spend of the child in progress, for the budget checks. */
  live: { tokens: number; costUsd: number };
  emit: (event: DgmEvent) => void;
}

/** Thrown when the diagnosis model refuses a call because a token or money budget is spent. */
export class ModelBudgetSpent extends Error {}

const ZERO: PhaseSpend = { tokens: 0, costUsd: 0, wallMs: 0 };

/** Makes, checks and evaluates child number `seq`; returns its record, kept or discarded. */
export async function makeChild(session: DgmSession, seq: number): Promise<NewAgentRecord> {
  const { options, rng } = session;
  const [parentEntry] = session.archive.selectParents(rng, 1);
  if (!parentEntry) throw new Error('the DGM archive is empty: the initial agent was not archived');
  const parent = session.records.find((record) => record.id === parentEntry.id) as AgentRecord;
  const parentCode = session.genomes.get(parent.id) as AgentGenome;
  session.emit({ type: 'parent-selected', seq, parentId: parent.id });

  const base = { id: `${session.runId}-${seq}`, runId: session.runId, seq, parentId: parent.id };
  const diagnosis = await diagnose(session, parent.results, parentCode);
  session.emit({ type: 'diagnosis-finished', seq, diagnosis: diagnosis.diagnosis });
  if (diagnosis.failed !== undefined) {
    return record(session, base, parentCode, parentCode, {
      kept: false,
      discardReason: diagnosis.failed,
      diagnosis: diagnosis.diagnosis,
      diagnosisSpend: diagnosis.spend,
    });
  }

  const started = performance.now();
  const run = await options.runner.run({
    agent: parentCode,
    workspace: { ...parentCode },
    problem: diagnosis.diagnosis.problem,
    timeoutMs: session.selfModifyTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.signal?.throwIfAborted();
  session.live.tokens += run.tokens;
  session.live.costUsd += run.costUsd;
  const selfModification: PhaseSpend = { tokens: run.tokens, costUsd: run.costUsd, wallMs: Math.round(performance.now() - started) };
  const child = run.workspace;
  const common = { diagnosis: diagnosis.diagnosis, diagnosisSpend: diagnosis.spend, selfModification, violations: run.violations };
  const unchanged =
    Object.keys(child).length === Object.keys(parentCode).length && Object.keys(child).every((file) => child[file] === parentCode[file]);
  const broken = unchanged
    ? `empty change: the self-modification (${run.status}${run.reason ? `: ${run.reason}` : ''}) left the code as it was`
    : compileError(child);
  if (broken !== undefined) return record(session, base, parentCode, child, { ...common, kept: false, discardReason: broken });
  session.emit({ type: 'child-proposed', seq, diffLines: linkOf(parentCode, child).diff.split('\n').length });

  const evaluation = await evaluateStaged(
    { ...session.staged, onStage: (set, score) => session.emit({ type: 'stage-finished', seq, set, score }) },
    child,
    runnerUpScore(session.records),
  );
  return record(session, base, parentCode, child, {
    ...common,
    kept: true,
    evaluation: evaluation.spend,
    score: evaluation.score,
    scores: evaluation.scores,
    results: evaluation.results,
    violations: [...run.violations, ...evaluation.violations],
  });
}

/** Diagnoses one failure of the parent; `failed` says why no problem statement came out. */
async function diagnose(
  session: DgmSession,
  results: readonly AgentTaskResult[],
  code: AgentGenome,
): Promise<{ diagnosis: AgentDiagnosis; spend: PhaseSpend; failed?: string }> {
  const { options } = session;
  const failure = pickFailure(results, options.benchmark, session.rng);
  const started = performance.now();
  const about = { kind: failure.kind, ...(failure.taskId === undefined ? {} : { taskId: failure.taskId }) };
  try {
    const completion = await options.model.complete({
      operator: 'dgm-diagnosis',
      messages: diagnosisMessages(code, failure, options.model),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const tokens = completion.usage.inputTokens + completion.usage.outputTokens;
    session.live.tokens += tokens;
    session.live.costUsd += completion.costUsd;
    const spend = { tokens, costUsd: completion.costUsd, wallMs: Math.round(performance.now() - started) };
    const problem = problemOf(completion.text);
    if (problem === undefined) return { diagnosis: { ...about, problem: '' }, spend, failed: 'the diagnosis gave no problem statement' };
    return { diagnosis: { ...about, problem }, spend };
  } catch (error) {
    options.signal?.throwIfAborted();
    if (error instanceof ModelCallError && error.kind === 'budget') throw new ModelBudgetSpent(error.message);
    if (!(error instanceof ModelCallError)) throw error;
    const spend = { ...ZERO, wallMs: Math.round(performance.now() - started) };
    return { diagnosis: { ...about, problem: '' }, spend, failed: `the diagnosis call failed (${error.kind}): ${error.message}` };
  }
}

interface Outcome {
  kept: boolean;
  discardReason?: string;
  diagnosis?: AgentDiagnosis;
  diagnosisSpend?: PhaseSpend;
  selfModification?: PhaseSpend;
  evaluation?: PhaseSpend;
  score?: number;
  scores?: Record<string, number>;
  results?: AgentTaskResult[];
  violations?: string[];
}

/** The record of an agent: its link to the parent, scores, metrics and flags. */
export function record(
  session: Pick<DgmSession, 'rng'>,
  base: { id: string; runId: string; seq: number; parentId: string | null },
  parent: AgentGenome,
  agent: AgentGenome,
  outcome: Outcome,
): NewAgentRecord {
  const link = linkOf(parent, agent);
  const violations = outcome.violations ?? [];
  const phases = {
    diagnosis: outcome.diagnosisSpend ?? ZERO,
    selfModification: outcome.selfModification ?? ZERO,
    evaluation: outcome.evaluation ?? ZERO,
  };
  const metrics: AgentMetrics = {
    ...phases,
    tokens: phases.diagnosis.tokens + phases.selfModification.tokens + phases.evaluation.tokens,
    costUsd: phases.diagnosis.costUsd + phases.selfModification.costUsd + phases.evaluation.costUsd,
    wallMs: phases.diagnosis.wallMs + phases.selfModification.wallMs + phases.evaluation.wallMs,
    violations: violations.length,
  };
  return {
    ...base,
    kept: outcome.kept,
    ...(outcome.discardReason === undefined ? {} : { discardReason: outcome.discardReason }),
    diff: link.diff,
    hash: link.hash,
    ...(link.code ? { code: link.code } : {}),
    score: outcome.score ?? null,
    scores: outcome.scores ?? {},
    results: outcome.results ?? [],
    ...(outcome.diagnosis ? { diagnosis: outcome.diagnosis } : {}),
    metrics,
    violations,
    flags: violations.length > 0 ? ['sandbox-violation'] : [],
    rngState: session.rng.state(),
    createdAt: Date.now(),
  };
}
