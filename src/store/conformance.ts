import { afterEach, describe, expect, it } from 'vitest';
import type { LlmExchange } from '../core/model.ts';
import type { Candidate, Evaluation } from '../core/types.ts';
import type { CommitState, FailedProposals, PromptTemplateRecord, Store } from './store.ts';

export interface StoreBackend {
  /** A fresh, empty store of its own for one test. */
  open(): Store | Promise<Store>;
  /** Runs one statement on the store's database through a connection of its own, past the store. */
  raw(store: Store, sql: string): unknown | Promise<unknown>;
}

/**
 * Registers the tests every `Store` must pass, so that SQLite and PostgreSQL behave alike.
 *
 * @example
 * storeConformance('SqliteStore', {
 *   open: () => new SqliteStore(tempFile()),
 *   raw: (store, sql) => new Database(store.location).exec(sql),
 * });
 */
export function storeConformance(name: string, backend: StoreBackend): void {
  describe(`${name} (store conformance)`, () => {
    const opened: Store[] = [];
    const open = async (): Promise<Store> => {
      const store = await backend.open();
      opened.push(store);
      return store;
    };
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });

    it('creates runs, lists them in creation order and derives the status from the last event', async () => {
      const store = await open();
      seedRun(store, 'r2', 20);
      seedRun(store, 'r1', 10);
      expect(store.getRun('r1')).toEqual({
        id: 'r1',
        experiment: 'demo',
        experimentDir: '/experiments/demo',
        config: { name: 'demo', nested: [1, 'two'] },
        settings: { seed: 1, options: { size: 3 }, budget: { evaluations: 5 }, concurrency: 2 },
        createdAt: 10,
        status: 'crashed-or-running',
      });
      store.appendRunEvent('r1', 'stopped', { reason: 'signal' });
      expect(store.getRun('r1')?.status).toBe('stopped');
      store.appendRunEvent('r1', 'resumed');
      expect(store.getRun('r1')?.status).toBe('crashed-or-running');
      store.appendRunEvent('r1', 'finished');
      expect(store.listRuns()).toEqual([
        { id: 'r1', experiment: 'demo', status: 'finished', bestScore: null, evaluations: 0, createdAt: 10 },
        { id: 'r2', experiment: 'demo', status: 'crashed-or-running', bestScore: null, evaluations: 0, createdAt: 20 },
      ]);
    });

    it('returns nothing for unknown ids', async () => {
      const store = await open();
      expect(store.getRun('nope')).toBeUndefined();
      expect(store.getCandidate('nope')).toBeUndefined();
      expect(store.getGenome('nope')).toBeUndefined();
      expect(store.bestCandidate('nope')).toBeUndefined();
      expect(store.recentCandidates('nope', 3)).toEqual([]);
      expect(store.childrenOf('nope')).toEqual([]);
      expect([...store.replay('nope')]).toEqual([]);
      expect(store.llmCalls('nope')).toEqual([]);
      expect(store.lessons('nope')).toEqual([]);
      expect(store.getEmbedding('model', 'nope')).toBeUndefined();
      expect(store.promptTemplates('nope')).toEqual([]);
    });

    it('replays commits and failed proposals merged by log order, without genomes', async () => {
      const store = await open();
      seedRun(store);
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      store.commitCandidate(candidate('r1', 2, ['r1-0']), evaluation('r1-2', 3), state('h2', 2), [failures('before two', 1)]);
      store.recordFailedProposals('r1', [
        failures('at the end of a session', 3),
        { ...failures('duplicate', 4), kind: 'duplicate', model: 'compat:m' },
      ]);
      store.commitCandidate(candidate('r1', 1, ['r1-0']), evaluation('r1-1', undefined), state('h1', 5));
      store.recordFailedProposals('r1', []);
      const log = [...store.replay('r1')];
      expect(log.map((row) => (row.kind === 'candidate' ? row.candidate.seq : row.failures.reason))).toEqual([
        0,
        'before two',
        2,
        'at the end of a session',
        'duplicate',
        1,
      ]);
      const [first, beforeTwo] = log;
      expect(first).toEqual({
        kind: 'candidate',
        candidate: {
          id: 'r1-0',
          runId: 'r1',
          seq: 0,
          parentIds: [],
          generation: 0,
          island: 0,
          origin: { operator: 'initial', description: 'step 0', diff: '' },
          createdAt: 1000,
        },
        evaluation: evaluation('r1-0', 1),
        state: state('h0', 0),
      });
      expect(beforeTwo).toEqual({ kind: 'failures', failures: failures('before two', 1) });
      expect(log[4]).toEqual({ kind: 'failures', failures: { ...failures('duplicate', 4), kind: 'duplicate', model: 'compat:m' } });
      const errored = log[5];
      expect(errored?.kind === 'candidate' && errored.evaluation).toEqual(evaluation('r1-1', undefined));
      expect(store.listRuns()[0]).toMatchObject({ bestScore: 3, evaluations: 3 });
    });

    it('reads candidates, genomes, the best, the most recent and the children', async () => {
      const store = await open();
      seedRun(store);
      const child = candidate('r1', 1, ['r1-0']);
      child.origin = { ...child.origin, model: 'compat:m', rationale: 'because', proposal: 'p1' };
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      store.commitCandidate(child, evaluation('r1-1', 5), state('h1', 1));
      store.commitCandidate(candidate('r1', 2, ['r1-0', 'r1-1']), evaluation('r1-2', undefined), state('h2', 2));
      store.commitCandidate(candidate('r1', 3, ['r1-0']), evaluation('r1-3', 5), state('h3', 3));
      expect(store.getCandidate('r1-1')).toEqual({ candidate: child, evaluation: evaluation('r1-1', 5) });
      expect(store.getGenome('r1-2')).toEqual({ 'a.js': '// v2\n' });
      // The best among status ok; a tie goes to the smaller id.
      expect(store.bestCandidate('r1')?.candidate.id).toBe('r1-1');
      expect(store.recentCandidates('r1', 2)).toEqual([{ id: 'r1-3' }, { id: 'r1-2' }]);
      expect(store.childrenOf('r1-0')).toEqual(['r1-1', 'r1-2', 'r1-3']);
      expect(store.childrenOf('r1-1')).toEqual(['r1-2']);
    });

    it('refuses a second candidate with the same genome hash in a run, and lands none of that commit', async () => {
      const store = await open();
      seedRun(store);
      seedRun(store, 'r2', 2);
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      expect(() => store.commitCandidate(candidate('r1', 1), evaluation('r1-1', 2), state('h0', 2), [failures('lost', 1)])).toThrow(
        expect.objectContaining({
          code: 'store-write',
          candidate: 'r1-1',
          message: expect.stringMatching(/^cannot write candidate r1-1\b.*genome_hash/),
        }),
      );
      expect(store.getCandidate('r1-1')).toBeUndefined();
      expect([...store.replay('r1')]).toHaveLength(1);
      // Another run may hold the same genome.
      store.commitCandidate(candidate('r2', 0), evaluation('r2-0', 1), state('h0', 0));
      expect(store.getCandidate('r2-0')).toBeDefined();
    });

    it('stores a parent named twice once, keeping the order of first mention', async () => {
      const store = await open();
      seedRun(store);
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      store.commitCandidate(candidate('r1', 1, ['r1-0']), evaluation('r1-1', 2), state('h1', 1));
      store.commitCandidate(candidate('r1', 2, ['r1-1', 'r1-0', 'r1-1', 'r1-0']), evaluation('r1-2', 3), state('h2', 2));
      expect(store.getCandidate('r1-2')?.candidate.parentIds).toEqual(['r1-1', 'r1-0']);
      expect(store.childrenOf('r1-0')).toEqual(['r1-1', 'r1-2']);
      expect(store.childrenOf('r1-1')).toEqual(['r1-2']);
      const replayed = [...store.replay('r1')].flatMap((row) => (row.kind === 'candidate' ? [row.candidate.parentIds] : []));
      expect(replayed).toEqual([[], ['r1-0'], ['r1-1', 'r1-0']]);
    });

    it('rolls back a commit that fails midway, after its failures, candidate and a parent were written', async () => {
      const store = await open();
      seedRun(store);
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      // A link written past the store makes the child's second parent row break the parents' primary key.
      await backend.raw(store, "INSERT INTO candidate_parents (parent_id, child_id) VALUES ('r1-x', 'r1-1')");
      let failure: unknown;
      try {
        store.commitCandidate(candidate('r1', 1, ['r1-0', 'r1-x']), evaluation('r1-1', 2), state('h1', 2), [failures('lost', 1)]);
      } catch (error) {
        failure = error;
      }
      // The error says what failed to be written, and never that the database could not be opened.
      expect(failure).toMatchObject({ code: 'store-write', candidate: 'r1-1', file: store.location });
      expect((failure as Error).message).toMatch(/candidate r1-1\b/);
      expect((failure as Error).message).toMatch(/candidate_parents/);
      expect((failure as Error).message).not.toMatch(/cannot open|cannot connect/);
      expect(store.getCandidate('r1-1')).toBeUndefined();
      expect(store.getGenome('r1-1')).toBeUndefined();
      expect(store.childrenOf('r1-0')).toEqual([]);
      expect([...store.replay('r1')].map((row) => row.kind)).toEqual(['candidate']);
      expect(store.listRuns()[0]).toMatchObject({ evaluations: 1 });
      // The store is still usable after the rollback.
      store.commitCandidate(candidate('r1', 1, ['r1-0']), evaluation('r1-1', 2), state('h1', 2));
      expect(store.childrenOf('r1-0')).toEqual(['r1-1']);
    });

    it('keeps private metrics apart from the public ones, and reads a row stored without them as having none', async () => {
      const store = await open();
      seedRun(store);
      const scored: Evaluation = { ...evaluation('r1-0', 2), metrics: { public: 1 }, privateMetrics: { 'hidden test': 0.125, other: -3 } };
      store.commitCandidate(candidate('r1', 0), scored, state('h0', 0));
      expect(store.getCandidate('r1-0')?.evaluation).toEqual(scored);
      expect(store.bestCandidate('r1')?.evaluation.privateMetrics).toEqual({ 'hidden test': 0.125, other: -3 });
      const [row] = [...store.replay('r1')];
      expect(row?.kind === 'candidate' && row.evaluation).toEqual(scored);
      // As an older version wrote it: no private_metrics column value at all.
      const columns = 'id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome, genome_hash, rng_state';
      await backend.raw(
        store,
        `INSERT INTO candidates (${columns}, reward, elapsed_ms, log_order, created_at) ` +
          `VALUES ('r1-1', 'r1', 1, '[]', 0, 0, 'initial', '', '', '{}', 'h1', '[1,2,3,4]', 0, 0, 1, 1)`,
      );
      await backend.raw(
        store,
        'INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, artifacts, stage, error, ' +
          `duration_ms) VALUES ('r1-1', 'r1', 'ok', 1, '{"m":1}', '{}', '{}', '', '{}', 'final', NULL, 1)`,
      );
      expect(store.getCandidate('r1-1')?.evaluation).toMatchObject({ metrics: { m: 1 }, privateMetrics: {} });
      const old = [...store.replay('r1')][1];
      expect(old?.kind === 'candidate' && old.evaluation.privateMetrics).toEqual({});
    });

    it('keeps each run its prompt templates in the order they were made, and refuses an id or a seq twice', async () => {
      const store = await open();
      seedRun(store);
      seedRun(store, 'r2', 2);
      const seed = promptTemplate({ id: 'llm-diff.0', seq: 0, origin: 'built-in', detail: 'built-in', text: '{{parent}}\n{{format}}\n' });
      const variant = promptTemplate({
        id: 'llm-diff.1',
        seq: 2,
        parentId: 'llm-diff.0',
        origin: 'model',
        detail: 'compat:m',
        costUsd: 0.0125,
        retired: 'llm-diff.2',
        text: 'Improve it ✓\n{{parent}}\n{{format}}\n',
      });
      const discarded = promptTemplate({
        id: 'llm-diff.2',
        seq: 1,
        parentId: 'llm-diff.0',
        origin: 'prune-tokens',
        detail: 'delete "the"',
        discarded: 'it drops {{format}}, which the parent template fills',
      });
      store.recordPromptTemplate('r1', seed);
      store.recordPromptTemplate('r1', variant);
      store.recordPromptTemplate('r1', discarded);
      store.recordPromptTemplate('r2', { ...seed, createdAt: 99 });
      expect(store.promptTemplates('r1')).toEqual([seed, discarded, variant]);
      expect(store.promptTemplates('r1')[0]).not.toHaveProperty('parentId');
      expect(store.promptTemplates('r2')).toEqual([{ ...seed, createdAt: 99 }]);
      expect(() => store.recordPromptTemplate('r1', { ...seed, seq: 7 })).toThrow(
        expect.objectContaining({ code: 'store-write', message: expect.stringMatching(/prompt template llm-diff\.0 of run r1/) }),
      );
      expect(() => store.recordPromptTemplate('r1', { ...seed, id: 'llm-diff.9' })).toThrow(
        expect.objectContaining({ code: 'store-write' }),
      );
      expect(store.promptTemplates('r1')).toHaveLength(3);
    });

    it('keeps the template a child or a failed proposal used, and what failed proposals with a template cost', async () => {
      const store = await open();
      seedRun(store);
      const child = candidate('r1', 1, ['r1-0']);
      child.origin = { ...child.origin, operator: 'llm-diff', model: 'compat:m', proposal: 'p1', template: 'llm-diff.2' };
      const templated: FailedProposals = {
        ...failures('no block', 1),
        operator: 'llm-diff',
        model: 'compat:m',
        template: 'llm-diff.2',
        costUsd: 0.5,
      };
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      store.commitCandidate(child, evaluation('r1-1', 2), state('h1', 3), [failures('plain', 2), templated]);
      store.recordFailedProposals('r1', [{ ...templated, costUsd: 0, logOrder: 4 }]);
      expect(store.getCandidate('r1-1')?.candidate).toEqual(child);
      expect(store.getCandidate('r1-0')?.candidate.origin).not.toHaveProperty('template');
      const log = [...store.replay('r1')];
      const replayed = log[3];
      expect(log.map((row) => row.kind)).toEqual(['candidate', 'failures', 'failures', 'candidate', 'failures']);
      expect(replayed?.kind === 'candidate' && replayed.candidate.origin.template).toBe('llm-diff.2');
      const batches = log.flatMap((row) => (row.kind === 'failures' ? [row.failures] : []));
      expect(batches).toEqual([templated, failures('plain', 2), { ...templated, costUsd: 0, logOrder: 4 }]);
      expect(batches[1]).not.toHaveProperty('template');
      expect(batches[1]).not.toHaveProperty('costUsd');
    });

    it('round-trips model exchanges, all of a run or one proposal, in the order they were recorded', async () => {
      const store = await open();
      seedRun(store);
      const exchange: LlmExchange = {
        model: 'compat:qwen',
        operator: 'llm-diff',
        proposal: 'p1',
        request: { messages: [{ role: 'user', content: 'improve ✓' }], maxOutputTokens: 64 },
        reply: 'ok',
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 3 },
        costUsd: 0.002,
        latencyMs: 41.5,
        attempts: 2,
        startedAt: 1_700_000_000_123,
      };
      const { proposal: _proposal, ...withoutProposal } = exchange;
      const failed: LlmExchange = {
        ...withoutProposal,
        reply: null,
        finishReason: null,
        error: { kind: 'http', message: 'HTTP 500', status: 500 },
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: 0,
        attempts: 3,
      };
      const second = { ...exchange, reply: 'again', startedAt: 1_700_000_000_456 };
      store.recordLlmCall('r1', exchange);
      store.recordLlmCall('r1', failed);
      store.recordLlmCall('r1', second);
      expect(store.llmCalls('r1')).toEqual([exchange, failed, second]);
      expect(store.llmCalls('r1', 'p1')).toEqual([exchange, second]);
      expect(store.llmCalls('r1', 'p2')).toEqual([]);
    });

    it('round-trips token log-probabilities with their top alternatives, and leaves them out where a call recorded none', async () => {
      const store = await open();
      seedRun(store);
      const base: LlmExchange = {
        model: 'compat:qwen',
        operator: 'soft-self-consistency',
        proposal: 'p1',
        request: { messages: [{ role: 'user', content: 'List hidden files.' }] },
        reply: 'ls -la',
        finishReason: 'stop',
        usage: { inputTokens: 9, outputTokens: 2 },
        costUsd: 0,
        latencyMs: 3,
        attempts: 1,
        startedAt: 1,
      };
      const withTop: LlmExchange = {
        ...base,
        logprobs: [
          {
            token: 'ls',
            logprob: -0.012_345_678_901_234_5,
            topLogprobs: [
              { token: 'ls', logprob: -0.012_345_678_901_234_5 },
              { token: 'dir', logprob: -4.75 },
              { token: '✓ "q"', logprob: Number.NEGATIVE_INFINITY },
            ],
          },
          { token: ' -la', logprob: -0.3, topLogprobs: [] },
          { token: '\n', logprob: 0 },
        ],
      };
      const plain: LlmExchange = {
        ...base,
        reply: 'ls -a',
        logprobs: [
          { token: 'ls', logprob: -1 },
          { token: ' -a', logprob: -1.4 },
        ],
      };
      const without: LlmExchange = { ...base, reply: 'ls' };
      const empty: LlmExchange = { ...base, reply: '', logprobs: [] };
      for (const exchange of [withTop, plain, without, empty]) store.recordLlmCall('r1', exchange);
      const calls = store.llmCalls('r1');
      // toStrictEqual: a missing log-probability list must stay missing, not come back as undefined or [].
      expect(calls).toStrictEqual([withTop, plain, without, empty]);
      expect(calls[2]).not.toHaveProperty('logprobs');
      expect(calls[0]?.logprobs?.[0]?.topLogprobs?.[2]?.logprob).toBe(Number.NEGATIVE_INFINITY);
      expect(calls[0]?.logprobs?.[2]).not.toHaveProperty('topLogprobs');
      expect(store.llmCalls('r1', 'p1').map((call) => call.logprobs?.length)).toEqual([3, 2, undefined, 0]);
    });

    it('keeps every set of lessons, oldest first', async () => {
      const store = await open();
      seedRun(store);
      store.recordLessons('r1', {
        evaluations: 100,
        source: 'stats',
        lessons: ['perturb-number improved 31% of its children'],
        createdAt: 9,
      });
      store.recordLessons('r1', { evaluations: 200, source: 'llm:compat:m', lessons: ['a', 'b'], createdAt: 10 });
      expect(store.lessons('r1')).toEqual([
        { evaluations: 100, source: 'stats', lessons: ['perturb-number improved 31% of its children'], createdAt: 9 },
        { evaluations: 200, source: 'llm:compat:m', lessons: ['a', 'b'], createdAt: 10 },
      ]);
    });

    it('caches embeddings by model and text hash, keeping the first write', async () => {
      const store = await open();
      const vector = new Float32Array([0.25, -1.5, 3.125, Math.fround(1 / 3)]);
      // A view at an odd offset of a larger buffer, as drivers and slices hand them out.
      const padded = new Uint8Array(vector.byteLength + 4);
      padded.set(new Uint8Array(vector.buffer), 4);
      store.putEmbedding('model-a', 'h1', new Float32Array(padded.buffer, 4, 4), 7);
      store.putEmbedding('model-a', 'h1', new Float32Array([9, 9, 9, 9]), 7);
      store.putEmbedding('model-b', 'h1', new Float32Array([1]), 1);
      expect([...store.getEmbedding('model-a', 'h1')!]).toEqual([...vector]);
      expect(store.getEmbedding('model-a', 'h1')).toBeInstanceOf(Float32Array);
      expect([...store.getEmbedding('model-b', 'h1')!]).toEqual([1]);
      expect(store.getEmbedding('model-b', 'h2')).toBeUndefined();
    });

    it('refuses UPDATE and DELETE on its tables, even through a connection of its own', async () => {
      const store = await open();
      seedRun(store);
      store.commitCandidate(candidate('r1', 0), evaluation('r1-0', 1), state('h0', 0));
      store.recordLlmCall('r1', {
        model: 'm',
        operator: 'o',
        request: { messages: [] },
        reply: 'r',
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 1,
        latencyMs: 1,
        attempts: 1,
        startedAt: 1,
      });
      store.recordLessons('r1', { evaluations: 1, source: 'stats', lessons: ['x'], createdAt: 1 });
      store.putEmbedding('m', 'h', new Float32Array([1]), 1);
      store.recordPromptTemplate('r1', promptTemplate({ id: 'llm-diff.0', seq: 0 }));
      for (const sql of [
        "UPDATE evaluations SET score = 99 WHERE candidate_id = 'r1-0'",
        'DELETE FROM candidates',
        "UPDATE runs SET experiment = 'other'",
        'DELETE FROM run_events',
        'UPDATE llm_calls SET cost_usd = 0',
        'DELETE FROM lessons',
        'DELETE FROM embeddings',
        "UPDATE prompt_templates SET text = 'other'",
        'DELETE FROM prompt_templates',
      ]) {
        await expect(
          Promise.resolve().then(() => backend.raw(store, sql)),
          sql,
        ).rejects.toThrow(/append-only/);
      }
      expect(store.getCandidate('r1-0')?.evaluation.score).toBe(1);
      expect(store.getRun('r1')?.experiment).toBe('demo');
      expect(store.llmCalls('r1')[0]?.costUsd).toBe(1);
      expect(store.lessons('r1')).toHaveLength(1);
      expect(store.promptTemplates('r1')[0]?.text).toBe('{{parent}}\n');
    });
  });
}

function promptTemplate(fields: Partial<PromptTemplateRecord> & Pick<PromptTemplateRecord, 'id' | 'seq'>): PromptTemplateRecord {
  return {
    operator: 'llm-diff',
    text: '{{parent}}\n',
    origin: 'built-in',
    detail: 'built-in',
    costUsd: 0,
    evaluations: 1,
    createdAt: 5,
    ...fields,
  };
}

function seedRun(store: Store, runId = 'r1', createdAt = 1): void {
  store.createRun({
    id: runId,
    experiment: 'demo',
    experimentDir: '/experiments/demo',
    config: { name: 'demo', nested: [1, 'two'] },
    settings: { seed: 1, options: { size: 3 }, budget: { evaluations: 5 }, concurrency: 2 },
    createdAt,
  });
  store.appendRunEvent(runId, 'started', { seed: 1 });
}

function candidate(runId: string, seq: number, parentIds: string[] = []): Candidate {
  return {
    id: `${runId}-${seq}`,
    runId,
    seq,
    parentIds,
    generation: parentIds.length > 0 ? 1 : 0,
    island: 0,
    genome: { 'a.js': `// v${seq}\n` },
    origin: { operator: seq === 0 ? 'initial' : 'perturb-number', description: `step ${seq}`, diff: '' },
    createdAt: 1000 + seq,
  };
}

function evaluation(id: string, score: number | undefined): Evaluation {
  return {
    candidateId: id,
    ...(score === undefined ? { status: 'error' as const, error: 'boom' } : { status: 'ok' as const, score }),
    metrics: { m: 1.25 },
    privateMetrics: score === undefined ? {} : { hidden: score / 8 },
    features: { length: 10 },
    instances: { a: 0.5 },
    feedback: 'fine',
    artifacts: { a: [1, 2] },
    stage: 'final',
    durationMs: 1.5,
  };
}

function state(genomeHash: string, logOrder: number): CommitState {
  return { rngState: [1, 2, 3, 4], reward: 0.75, elapsedMs: 5, genomeHash, logOrder };
}

function failures(reason: string, logOrder: number): FailedProposals {
  return { operator: 'swap-operator', kind: 'failed', count: 3, reason, rngState: [5, 6, 7, 8], logOrder };
}
