import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startUiServer } from '../src/ui/server.ts';
import { median, noOpExperiment, tempDb } from './fixtures.ts';

export interface UiApiMeasurement {
  /** The run database, left in place for the page benchmark. */
  db: string;
  runId: string;
  candidates: number;
  /** Median ms, request to last byte, of the first overview request of a freshly started server. */
  overviewMs: number;
  /** Median ms of a repeat overview request, which reads only rows committed since the first. */
  overviewWarmMs: number;
  /** Median ms of the lineage of the top 20. */
  lineageMs: number;
  gridMs: number;
  candidateMs: number;
  /** Requests (and fresh servers) each median is taken over. */
  requests: number;
  overviewBytes: number;
  lineageNodes: number;
  /** Seconds `ouro run` took to write the run (0 when one was reused). */
  buildSeconds: number;
}

const OURO = resolve(import.meta.dirname, '../bin/ouro.js');

/**
 * Builds a run of `candidates` with `ouro run` in a child process (no-op evaluator, MAP-Elites with
 * 4 islands, concurrency 2; about 1,000 candidates a second), so the engine's heap does not weigh on
 * the measurement, then times the dashboard's endpoints as a browser fetches them. Pass `reuse`
 * (a database and run built before) to skip the build.
 */
export async function measureUiApi(candidates = 100_000, reuse?: { db: string; runId: string }, requests = 5): Promise<UiApiMeasurement> {
  const started = performance.now();
  const { db, runId } = reuse ?? (await buildRun(candidates));
  const buildSeconds = reuse ? 0 : (performance.now() - started) / 1000;
  const overview = { cold: [] as number[], warm: [] as number[], bytes: 0, evaluations: 0 };
  const timings = { lineage: [] as number[], grid: [] as number[], candidate: [] as number[] };
  let lineageNodes = 0;
  for (let round = 0; round < requests; round++) {
    // A fresh server each round, so that the first overview request reads the whole run.
    const server = await startUiServer({ db, port: 0 });
    try {
      const get = async (path: string) => {
        const begin = performance.now();
        const response = await fetch(new URL(path, server.url));
        const text = await response.text();
        if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
        return { ms: performance.now() - begin, text };
      };
      const first = await get(`/api/runs/${runId}`);
      overview.cold.push(first.ms);
      overview.warm.push((await get(`/api/runs/${runId}`)).ms);
      overview.bytes = first.text.length;
      const body = JSON.parse(first.text) as { bestCandidate: string | null; run: { evaluations: number } };
      overview.evaluations = body.run.evaluations;
      const lineage = await get(`/api/runs/${runId}/lineage?top=20`);
      timings.lineage.push(lineage.ms);
      lineageNodes = (JSON.parse(lineage.text) as { nodes: unknown[] }).nodes.length;
      timings.grid.push((await get(`/api/runs/${runId}/grid`)).ms);
      timings.candidate.push((await get(`/api/candidates/${body.bestCandidate ?? `${runId}-0`}`)).ms);
    } finally {
      await server.close();
    }
  }
  return {
    db,
    runId,
    candidates: overview.evaluations,
    overviewMs: median(overview.cold),
    overviewWarmMs: median(overview.warm),
    lineageMs: median(timings.lineage),
    gridMs: median(timings.grid),
    candidateMs: median(timings.candidate),
    requests,
    overviewBytes: overview.bytes,
    lineageNodes,
    buildSeconds,
  };
}

async function buildRun(candidates: number): Promise<{ db: string; runId: string }> {
  const db = tempDb();
  const args = [
    OURO,
    'run',
    noOpExperiment("{ kind: 'map-elites', islands: 4 }"),
    '--db',
    db,
    '--seed',
    '1',
    '--concurrency',
    '2',
    '--budget',
    String(candidates),
    '--json',
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 2 ** 20 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { runId: string; evaluations: number };
  if (result.evaluations !== candidates) throw new Error(`ouro run stopped at ${result.evaluations} of ${candidates} candidates`);
  return { db, runId: result.runId };
}
