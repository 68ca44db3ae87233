import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { CandidateEvent } from '../api-types.ts';
import type { CommitRow, DashboardQueries } from '../../store/queries.ts';

export interface EventStreamOptions {
  /** How often the store is polled for new commits. */
  pollMs: number;
  /** A comment is sent after this long without an event, so proxies keep the connection open. */
  heartbeatMs: number;
  /** Ends every stream when the server closes. */
  closing: AbortSignal;
}

/** Commits sent per poll at most; a larger backlog is sent over the next polls without waiting. */
const BATCH = 500;

/**
 * GET /api/runs/:run/events: one `candidate` event per candidate committed after `cursor`, in
 * commit order, found by polling the store. Each event's id is the candidate's seq, so a client
 * that reconnects with Last-Event-ID carries on after the last candidate it saw.
 */
export function candidateEvents(
  c: Context,
  queries: DashboardQueries,
  runId: string,
  cursor: number,
  options: EventStreamOptions,
): Response {
  return streamSSE(
    c,
    async (stream) => {
      let position = cursor;
      let lastWrite = Date.now();
      while (!stream.aborted && !stream.closed && !options.closing.aborted) {
        const commits = queries.commitsAfter(runId, position, BATCH);
        for (const commit of commits) {
          await stream.writeSSE({ event: 'candidate', id: String(commit.seq), data: JSON.stringify(candidateEvent(commit)) });
          position = commit.cursor;
          lastWrite = Date.now();
        }
        if (Date.now() - lastWrite >= options.heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        if (commits.length < BATCH) await pause(options.pollMs, options.closing);
      }
    },
    async (error, stream) => {
      // The client sees the stream end and reconnects; the comment says why for anyone reading it raw.
      await stream.write(`: error: ${error.message.replace(/\n/g, ' ')}\n\n`);
    },
  );
}

export function candidateEvent(commit: CommitRow): CandidateEvent {
  return {
    id: commit.id,
    seq: commit.seq,
    score: commit.score,
    status: commit.status,
    island: commit.island,
    operator: commit.operator,
    elapsedMs: commit.elapsedMs,
    parents: commit.parentIds,
    generation: commit.generation,
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}
