import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireService } from '../../../test/support/services.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { dashboardBackends } from '../../store/queries-testing.ts';
import type { CandidateEvent } from '../api-types.ts';
import { apiRoutes } from './routes.ts';
import { commitSample, writeSampleRun } from './sample-run.ts';

/** Reads the raw stream until `done` holds for the text so far. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

function candidates(text: string): CandidateEvent[] {
  return [...text.matchAll(/event: candidate\ndata: (.*)\nid: (\d+)/g)].map((match) => JSON.parse(match[1] as string) as CandidateEvent);
}

for (const backend of await dashboardBackends()) {
  const service = await requireService(backend.name, backend.probe);
  describe.skipIf(service.missing)(service.title(`GET /api/runs/:run/events on ${backend.name}`), () => {
    let sample: ReturnType<typeof writeSampleRun>;
    let queries: DashboardQueries;
    let app: Hono;
    const closing = new AbortController();
    let nextOrder = 100;

    function commit(seq: number): void {
      commitSample(sample.store, {
        seq,
        parents: ['r1-3'],
        operator: 'perturb-number',
        score: seq,
        reward: 1,
        logOrder: nextOrder++,
        elapsedMs: 1000 + seq,
        createdAt: Date.now(),
      });
    }

    beforeAll(async () => {
      const db = await backend.createDatabase();
      sample = writeSampleRun(backend.openWriter(db));
      queries = backend.openQueries(db);
      app = new Hono().route('/api', apiRoutes(queries, { dbLabel: 'sample.db', pollMs: 20, heartbeatMs: 150, closing: closing.signal }));
    });

    afterAll(async () => {
      queries?.close();
      sample?.store.close();
      await backend.dispose();
    });

    it('sends what is committed after the client connects, heartbeats while quiet, and stops polling when the client leaves', async () => {
      const response = await app.request('/api/runs/r1/events');
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await sleep(50);
      commit(5);
      commit(4);
      const text = await readUntil(reader, (so) => candidates(so).length === 2);
      // Commit order, not seq order: seq is given out at proposal time.
      expect(candidates(text)).toEqual([
        {
          id: 'r1-5',
          seq: 5,
          score: 5,
          status: 'ok',
          island: 1,
          operator: 'perturb-number',
          elapsedMs: 1005,
          parents: ['r1-3'],
          generation: 2,
        },
        {
          id: 'r1-4',
          seq: 4,
          score: 4,
          status: 'ok',
          island: 0,
          operator: 'perturb-number',
          elapsedMs: 1004,
          parents: ['r1-3'],
          generation: 1,
        },
      ]);
      expect(await readUntil(reader, (so) => so.includes(': heartbeat'))).toContain(': heartbeat\n\n');
      const polls = vi.spyOn(queries, 'commitsAfter');
      await reader.cancel();
      await sleep(100);
      const after = polls.mock.calls.length;
      await sleep(150);
      expect(polls.mock.calls.length).toBe(after);
      polls.mockRestore();
    });

    it('resumes after the candidate a client saw last (after= or Last-Event-ID)', async () => {
      const byQuery = await app.request('/api/runs/r1/events?after=2');
      const sent = candidates(
        await readUntil((byQuery.body as ReadableStream<Uint8Array>).getReader(), (so) => candidates(so).length >= 4),
      );
      expect(sent.map((event) => event.id)).toEqual(['r1-1', 'r1-3', 'r1-5', 'r1-4']);
      const byHeader = await app.request('/api/runs/r1/events', { headers: { 'last-event-id': '5' } });
      const reader = (byHeader.body as ReadableStream<Uint8Array>).getReader();
      expect(candidates(await readUntil(reader, (so) => candidates(so).length >= 1)).map((event) => event.id)).toEqual(['r1-4']);
      await reader.cancel();
    });

    it('ends every stream when the server closes', async () => {
      const response = await app.request('/api/runs/r1/events');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      closing.abort();
      await readUntil(reader, () => false);
      expect((await reader.read()).done).toBe(true);
    });
  });
}
