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

/** Commits candidate `r1-<seq>` of the sample run, as the engine would. */
export function commitSample(
  store: Store,
  options: {
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
  const { seq, parents, score } = options;
  const id = `r1-${seq}`;
  const candidate: Candidate = {
    id,
    runId: 'r1',
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
    instances: { first: seq },
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
