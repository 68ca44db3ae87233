import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { evolve } from '../src/engine/evolve.ts';
import { testPostgres } from '../src/store/postgres-testing.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import type { CandidateEvent } from '../src/ui/api-types.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { probes, requireService } from './support/services.ts';

const execute = promisify(execFile);
const CLI = fileURLToPath(new URL('../bin/ouro.js', import.meta.url));
const ARCHIVE = "archive: { kind: 'map-elites', islands: 2, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] }";

async function json(server: UiServer, path: string): Promise<unknown> {
  return (await fetch(new URL(path, server.url))).json();
}

/** An open event stream of one run: the candidates it has sent so far. */
function listen(server: UiServer, runId: string) {
  const received: CandidateEvent[] = [];
  const stop = new AbortController();
  const done = (async () => {
    const response = await fetch(new URL(`/api/runs/${runId}/events`, server.url), { signal: stop.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) received.push(JSON.parse(data.slice(6)) as CandidateEvent);
      }
    }
  })().catch(() => {});
  return {
    received,
    close: async () => {
      stop.abort();
      await done;
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the dashboard');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What must not depend on the backend: the run's id in place, wall-clock times left out. */
function comparable(value: unknown, runId: string): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, field) => (['createdAt', 'elapsedMs', 'durationMs', 'spend'].includes(key) ? undefined : field)).replaceAll(
      runId,
      'RUN',
    ),
  );
}

describe('ouro ui --db on an unreachable PostgreSQL server', () => {
  it('fails at startup within seconds, naming the URL without its password', async () => {
    const started = Date.now();
    const error = await startUiServer({ db: 'postgres://ouro:secret@127.0.0.1:1/ouro' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'store-open', message: expect.stringContaining('postgres://ouro@127.0.0.1:1/ouro') });
    expect((error as Error).message).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

const postgresService = await requireService('PostgreSQL', probes.postgres);
const postgres = testPostgres();

describe.skipIf(postgresService.missing)(postgresService.title('the dashboard on PostgreSQL'), () => {
  let url: string;
  let server: UiServer;

  beforeAll(async () => {
    url = await postgres.createDatabase();
  });

  afterAll(async () => {
    await server?.close();
    await postgres.dropDatabases();
  });

  it('answers as it does for SQLite for the same seeded run', async () => {
    const experiment = writeTinyExperiment({ config: ARCHIVE, parent: mkdtempSync(join(tmpdir(), 'ouro-ui-pg-')) });
    const sqlite = join(mkdtempSync(join(tmpdir(), 'ouro-ui-pg-')), 'ouro.db');
    const options = { seed: 5, concurrency: 1, budget: { evaluations: 25 } };
    const reference = await evolve(experiment, { ...options, db: sqlite });
    const run = await evolve(experiment, { ...options, db: url });
    const other = await startUiServer({ db: sqlite, port: 0, webRoot: join(sqlite, 'none') });
    server = await startUiServer({ db: url, port: 0, webRoot: join(sqlite, 'none') });
    try {
      const paths = (runId: string, best: string) => [
        '/api/runs',
        `/api/runs/${runId}`,
        `/api/runs/${runId}/lineage?top=5`,
        `/api/runs/${runId}/grid`,
        `/api/candidates/${best}`,
        `/api/candidates/${runId}-0`,
      ];
      const expected = paths(reference.runId, reference.bestCandidate as string);
      const actual = paths(run.runId, run.bestCandidate as string);
      for (const [index, path] of actual.entries()) {
        const answer = comparable(await json(server, path), run.runId);
        expect(answer, path).toEqual(comparable(await json(other, expected[index] as string), reference.runId));
      }
      const overview = (await json(server, `/api/runs/${run.runId}`)) as { evaluations: { seq: number[] }; run: { evaluations: number } };
      expect(overview.run.evaluations).toBe(25);
      expect(overview.evaluations.seq).toHaveLength(25);
    } finally {
      await other.close();
    }
  });

  it('streams every commit of runs that two controller processes write at once', async () => {
    const first = await evolve(writeTinyExperiment(), { db: url, seed: 1, concurrency: 2, budget: { evaluations: 4 } });
    const second = await evolve(writeTinyExperiment(), { db: url, seed: 2, concurrency: 2, budget: { evaluations: 4 } });
    const streams = [listen(server, first.runId), listen(server, second.runId)];
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all(
      [first, second].map((run) =>
        execute(process.execPath, [CLI, 'resume', run.runId, '--db', url, '--budget', '40', '--json'], { timeout: 60_000 }),
      ),
    );
    try {
      for (const [index, run] of [first, second].entries()) {
        const stream = streams[index]!;
        await until(() => stream.received.length >= 36);
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Every commit once, none missing, none of the other run's.
        expect(stream.received.map((event) => event.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 36 }, (_, seq) => seq + 4));
        for (const event of stream.received) expect(event.id).toBe(`${run.runId}-${event.seq}`);
      }
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }
  });

  it('sends a commit whose transaction ends after a later one of another run', async () => {
    const writer = new PostgresStore(url);
    const settings = { seed: 1, options: {}, budget: {}, concurrency: 1 };
    writer.createRun({ id: 'slow', experiment: 'demo', experimentDir: 'demo', config: {}, settings, createdAt: 1 });
    writer.createRun({ id: 'fast', experiment: 'demo', experimentDir: 'demo', config: {}, settings, createdAt: 1 });
    const live = await startUiServer({ db: url, port: 0, pollMs: 20, webRoot: join(tmpdir(), 'none') });
    const streams = { slow: listen(live, 'slow'), fast: listen(live, 'fast') };
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO candidates (id, run_id, seq, parent_ids, generation, island, operator, description, diff, genome, ` +
          `genome_hash, rng_state, reward, elapsed_ms, log_order, created_at)
        VALUES ('slow-0', 'slow', 0, '[]', 0, 0, 'initial', '', '', '{}', 'h', '[]', 0, 0, 0, 0)`,
      );
      await slow.query(
        `INSERT INTO evaluations (candidate_id, run_id, status, score, metrics, features, instances, feedback, ` +
          `artifacts, stage, duration_ms)
        VALUES ('slow-0', 'slow', 'ok', 1, '{}', '{}', '{}', '', '{}', 'final', 1)`,
      );
      writer.commitCandidate(
        {
          id: 'fast-0',
          runId: 'fast',
          seq: 0,
          parentIds: [],
          generation: 0,
          island: 0,
          genome: {},
          origin: { operator: 'initial', description: '', diff: '' },
          createdAt: 0,
        },
        {
          candidateId: 'fast-0',
          status: 'ok',
          score: 2,
          metrics: {},
          privateMetrics: {},
          features: {},
          instances: {},
          feedback: '',
          artifacts: {},
          stage: 'final',
          durationMs: 1,
        },
        { rngState: [1, 2, 3, 4], reward: 0, elapsedMs: 0, genomeHash: 'h', logOrder: 0 },
      );
      await until(() => streams.fast.received.length === 1);
      // Several polls of the slow run pass while its transaction is open.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(streams.slow.received).toEqual([]);
      await slow.query('COMMIT');
      await until(() => streams.slow.received.length === 1);
      expect(streams.slow.received.map((event) => event.id)).toEqual(['slow-0']);
    } finally {
      await slow.end();
      await Promise.all(Object.values(streams).map((stream) => stream.close()));
      await live.close();
      writer.close();
    }
  });
});
