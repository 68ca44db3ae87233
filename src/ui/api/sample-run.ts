import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlmExchange } from '../../core/model.ts';
import type { Candidate, Evaluation } from '../../core/types.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';

/**
 * A small run written straight through the store, for the API's unit tests: four candidates
 * committed out of seq order, a crossover, a failed evaluation, failed proposals, model calls
 * (one failed) and lessons. Returns the database (a new SQLite file unless `store` is given) and the
 * store, still open for writing.
 */
export function writeSampleRun(given?: Store): { db: string; store: Store; now: number } {
  const db = given?.location ?? join(mkdtempSync(join(tmpdir(), 'ouro-ui-sample-')), 'ouro.db');
  const store = given ?? new SqliteStore(db);
  const now = Date.now();
  store.createRun({
    id: 'r1',
    experiment: 'demo',
    experimentDir: 'demo',
    config: { name: 'demo', archive: { kind: 'map-elites', islands: 2 }, bestKnown: { score: 10, source: 'a paper' } },
    settings: { seed: 1, options: {}, budget: { evaluations: 10, targetScore: 9 }, concurrency: 2 },
    createdAt: now,
  });
  store.appendRunEvent('r1', 'started');
  let order = 0;
  const commit = (
    seq: number,
    parents: string[],
    operator: string,
    score: number | undefined,
    reward: number,
    extra: Partial<Candidate['origin']> = {},
  ) =>
    commitSample(store, { seq, parents, operator, score, reward, logOrder: order++, elapsedMs: 100 * order, createdAt: now + seq, extra });
  commit(0, [], 'initial', 1, 0);
  commit(2, ['r1-0'], 'perturb-number', 3, 1);
  store.recordFailedProposals('r1', [
    { operator: 'swap-operator', kind: 'failed', count: 3, reason: 'no site', rngState: [1, 2, 3, 4], logOrder: order++ },
    { operator: 'llm-diff', model: 'compat:m', kind: 'duplicate', count: 1, reason: 'seen', rngState: [1, 2, 3, 4], logOrder: order++ },
  ]);
  commit(1, ['r1-0'], 'llm-diff', undefined, 0, { model: 'compat:m', rationale: 'try v1', proposal: 'p1' });
  commit(3, ['r1-2', 'r1-1'], 'crossover', 5, 0.5);
  store.recordLlmCall('r1', exchange('p1', now + 10, null));
  store.recordLlmCall('r1', exchange('p2', now + 20, 'http'));
  store.recordLessons('r1', { evaluations: 4, source: 'stats', lessons: ['crossover helps'], createdAt: now });
  return { db, store, now };
}

/**
 * Per-instance scores of the sample front run, by seq, in the order they are committed. Seq 3
 * ties seq 1 for the lead on `c` but seq 1 dominates it; seq 2 is a specialist (best on `d`
 * only, low mean); seq 5 fails its evaluation; seq 6 scores `b` alone; seq 7 repeats seq 4's
 * scores, so neither dominates the other. The front is seqs 4, 7, 1, 6 and 2.
 */
export const SAMPLE_FRONT: ReadonlyArray<{ seq: number; score: number | undefined; instances: Record<string, number> }> = [
  { seq: 0, score: 0.2, instances: { a: 0.2, b: 0.2, c: 0.2, d: 0.2 } },
  { seq: 3, score: 0.575, instances: { a: 0.7, b: 0.6, c: 0.6, d: 0.4 } },
  { seq: 2, score: 0.3, instances: { a: 0.1, b: 0.1, c: 0.1, d: 0.9 } },
  { seq: 1, score: 0.65, instances: { a: 0.8, b: 0.7, c: 0.6, d: 0.5 } },
  { seq: 4, score: 0.55, instances: { a: 0.9, b: 0.5, c: 0.6, d: 0.2 } },
  { seq: 5, score: undefined, instances: { a: 1, b: 1, c: 1, d: 1 } },
  { seq: 6, score: 0.5, instances: { b: 0.95 } },
  { seq: 7, score: 0.55, instances: { a: 0.9, b: 0.5, c: 0.6, d: 0.2 } },
];

/**
 * A run with a Pareto archive whose evaluations carry per-instance scores (SAMPLE_FRONT), for
 * the front's tests and the browser test. `archive` replaces the run's archive config.
 */
export function writeSampleFrontRun(store: Store, runId = 'front', archive: Record<string, unknown> = { kind: 'pareto' }): void {
  store.createRun({
    id: runId,
    experiment: 'front-demo',
    experimentDir: 'front-demo',
    config: { name: 'front-demo', archive },
    settings: { seed: 1, options: {}, budget: { evaluations: 20 }, concurrency: 1 },
    createdAt: Date.now(),
  });
  SAMPLE_FRONT.forEach(({ seq, score, instances }, order) => {
    const operator = seq === 0 ? 'initial' : seq % 2 === 0 ? 'llm-rewrite' : 'perturb-number';
    commitSample(store, {
      runId,
      seq,
      parents: seq === 0 ? [] : [`${runId}-0`],
      operator,
      score,
      reward: 0,
      logOrder: order,
      elapsedMs: 10 * (order + 1),
      createdAt: Date.now(),
      instances,
    });
  });
}

/**
 * Commits candidate `<run>-<seq>` of a sample run (run `r1` unless `runId` says otherwise), as the
 * engine would. Its per-instance scores are `{ first: seq }` unless `instances` gives them.
 */
export function commitSample(
  store: Store,
  options: {
    runId?: string;
    instances?: Record<string, number>;
    seq: number;
    parents: string[];
    operator: string;
    score: number | undefined;
    reward: number;
    logOrder: number;
    elapsedMs: number;
    createdAt: number;
    extra?: Partial<Candidate['origin']>;
  },
): void {
  const { seq, parents, score, runId = 'r1' } = options;
  const id = `${runId}-${seq}`;
  const candidate: Candidate = {
    id,
    runId,
    seq,
    parentIds: parents,
    generation: parents.length === 0 ? 0 : 1 + (seq % 2),
    island: seq % 2,
    // The initial genome is 100 characters, as its `length` feature says: the default MAP-Elites
    // axis is derived from it.
    genome: seq === 0 ? { 'a.js': 'v0\n', 'notes.md': '#'.repeat(97) } : { 'a.js': `v${seq}\n` },
    origin: {
      operator: options.operator,
      description: `made ${seq}`,
      diff: parents.length === 0 ? '' : `--- a/a.js\n+++ b/a.js\n-v0\n+v${seq}\n`,
      ...options.extra,
    },
    createdAt: options.createdAt,
  };
  const evaluation: Evaluation = {
    candidateId: id,
    ...(score === undefined ? { status: 'error' as const, error: 'boom' } : { status: 'ok' as const, score }),
    metrics: { m: seq },
    privateMetrics: score === undefined ? {} : { 'held-out': seq / 4 },
    features: { length: 100 + 40 * seq },
    instances: options.instances ?? { first: seq },
    feedback: `feedback ${seq}`,
    artifacts: { note: 'hi' },
    stage: 'final',
    durationMs: 2,
  };
  store.commitCandidate(candidate, evaluation, {
    rngState: [1, 2, 3, 4],
    reward: options.reward,
    elapsedMs: options.elapsedMs,
    genomeHash: `h${seq}`,
    logOrder: options.logOrder,
  });
}

function exchange(proposal: string, startedAt: number, failure: 'http' | null): LlmExchange {
  return {
    model: 'compat:m',
    operator: 'llm-diff',
    proposal,
    request: {
      messages: [
        { role: 'system', content: 'you edit code' },
        { role: 'user', content: `improve ${proposal}` },
      ],
    },
    reply: failure ? null : 'SEARCH/REPLACE',
    finishReason: failure ? null : 'stop',
    ...(failure ? { error: { kind: failure, message: 'server said 500', status: 500 } } : {}),
    usage: failure ? { inputTokens: 0, outputTokens: 0 } : { inputTokens: 100, outputTokens: 50 },
    costUsd: failure ? 0 : 0.01,
    latencyMs: 200,
    attempts: 1,
    startedAt,
  };
}
