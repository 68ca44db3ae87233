// STOP runs in the database: rounds and model calls recorded as they end, a resumed run reaching
// the rounds an uninterrupted one reaches, and a replay served from the record with no network.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAgentsStop } from '../src/cli/commands/agents-stop.ts';
import { SEED_IMPROVER_FILE } from '../src/agents/stop/loop.ts';
import type { StopReport, StopRound } from '../src/agents/stop/report.ts';
import { startStop, type StopCommand } from '../src/agents/stop/start.ts';
import { STOP_TABLES } from '../src/agents/stop/store-sqlite.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';

const fence = '```';
const SEED = readFileSync(SEED_IMPROVER_FILE, 'utf8');
const FAST = { memoryMb: 64, cpuMs: 300, wallMs: 5_000 };
const LLM = { timeoutMs: 2_000, attempts: 1 };
const TASKS = ['sorting-network', 'tsp'];

const BATCHER = `export function network() {
  return [[0,1],[2,3],[4,5],[6,7],[0,2],[1,3],[4,6],[5,7],[1,2],[5,6],[0,4],[3,7],[1,5],[2,6],[1,4],[3,6],[2,4],[3,5],[3,4]];
}`;
const NEAREST =
  `export function tour(points) {
  const d = (a, b) => Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
  const order = [0]; const left = new Set(points.keys()); left.delete(0);
  while (left.size) { let best; for (const i of left) if (best === undefined || d(order.at(-1), i) < d(order.at(-1), best)) best = i; ` +
  `order.push(best); left.delete(best); }
  return order;
}`;
const TWO_OPT = NEAREST.replace(
  '  return order;',
  `  for (let changed = true; changed;) { changed = false;
    for (let i = 1; i < order.length - 1; i++) for (let j = i + 1; j < order.length; j++) {
      const a = order[i - 1], b = order[i], c = order[j], e = order[(j + 1) % order.length];
      if (d(a, c) + d(b, e) < d(a, b) + d(c, e) - 1e-12) { order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse()); changed = true; }
    } }
  return order;`,
);
/** The seed with a sharper prompt: the scripted model answers it with better tours. */
const SHARP = SEED.replace('Improve the following JavaScript module', 'STRATEGY:sharp Improve the following JavaScript module');
/** SHARP in other words: as good, so never kept over it. */
const SHARP_AGAIN = `${SHARP}// said again\n`;

/**
 * Replies by the prompt alone, so that every session of a run (and a second server) answers the
 * same prompt the same way: the seed improver is offered SHARP, SHARP is offered SHARP_AGAIN.
 */
function respond(prompt: string): ScriptStep {
  const usage = { inputTokens: 100, outputTokens: 100 };
  const program = (text: string): ScriptStep => ({ text: `Here you go.\n${fence}javascript\n${text}\n${fence}\n`, usage });
  if (prompt.includes('function improve(')) return program(prompt.includes('STRATEGY:sharp') ? SHARP_AGAIN : SHARP);
  if (prompt.includes('function network(')) return program(BATCHER);
  if (prompt.includes('function tour(')) return program(prompt.includes('STRATEGY:sharp') ? TWO_OPT : NEAREST);
  return { text: 'I have no better idea.', usage };
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startServer(): Promise<string> {
  server = await startScriptedLlmServer({ respond: (request) => respond(request.messages.map((message) => message.content).join('\n')) });
  return `compat:${server.compatBaseURL}#scripted`;
}

async function stopServer(): Promise<void> {
  await server?.close();
  server = undefined;
}

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'ouro-stop-store-')), 'ouro.db');

/** A new three-round run over the two quick tasks. */
const fresh = (db: string, model: string, extra: Partial<StopCommand> = {}): StopCommand => ({
  db,
  model,
  seedImprover: SEED,
  rounds: 3,
  budget: {},
  tasks: TASKS,
  improverLimits: FAST,
  llm: LLM,
  env: {},
  ...extra,
});

/** A report without its wall-clock times, which no two runs share. */
function timeless(report: StopReport) {
  const round = ({ wallMs: _wallMs, tasks, evaluations, ...rest }: StopRound) => ({
    ...rest,
    tasks: tasks.map(({ wallMs: _taskMs, ...task }) => task),
    evaluations: evaluations.map((evaluation) => ({ ...evaluation, tasks: evaluation.tasks.map(({ wallMs: _taskMs, ...task }) => task) })),
  });
  return { model: report.model, best: report.best, stopReason: report.stopReason, spend: report.spend, rounds: report.rounds.map(round) };
}

function stored(db: string, runId: string) {
  const store = new SqliteStore(db, { readonly: true });
  try {
    const stops = store.tables(STOP_TABLES)!;
    return { run: stops.getStopRun(runId)!, rounds: stops.stopRounds(runId), calls: stops.stopLlmCalls(runId), runs: stops.listStopRuns() };
  } finally {
    store.close();
  }
}

/** The uninterrupted run every other run is compared with, recorded in its own database. */
async function uninterrupted(model: string) {
  const db = tempDb();
  const result = await startStop(fresh(db, model));
  return { db, ...result };
}

describe('STOP runs in the database', () => {
  it('records each round as it ends and every model call, all booked in the ledger', async () => {
    const model = await startServer();
    const db = tempDb();
    // The database has one run: how many rounds it holds when each round is reported.
    const reported: number[] = [];
    const { runId, report } = await startStop(
      fresh(db, model, { onRound: () => reported.push(stored(db, stored(db, '').runs[0]!.id).rounds.length) }),
    );
    // Each round was in the database by the time it was reported.
    expect(reported).toEqual([1, 2, 3, 4]);
    expect(report.rounds.map((round) => [round.round, round.accepted])).toEqual([
      [0, true],
      [1, true],
      [2, false],
      [3, false],
    ]);
    expect(report.best).toMatchObject({ round: 1, source: SHARP });
    expect(report.rounds[1]!.metaUtility!).toBeGreaterThan(report.rounds[0]!.metaUtility!);

    const { run, rounds, calls, runs } = stored(db, runId);
    expect(run).toMatchObject({ status: 'finished', settings: { model, seedImprover: SEED, rounds: 3, tasks: TASKS, budget: {} } });
    expect(runs).toEqual([expect.objectContaining({ id: runId, model, rounds: 4, bestMetaUtility: report.best.metaUtility })]);
    expect(rounds).toEqual(report.rounds);
    // The ledger, the table and the server saw the same calls: every one booked, none twice.
    expect(calls).toHaveLength(server!.requests.length);
    expect(report.spend).toEqual({
      llmCalls: server!.requests.length,
      failedLlmCalls: 0,
      tokens: 200 * server!.requests.length,
      costUsd: 0,
    });
    expect(report.rounds.reduce((sum, round) => sum + round.spend.llmCalls, 0)).toBe(calls.length);
    expect(calls.map((call) => call.request.messages[0]!.content)).toEqual(server!.requests.map((request) => request.messages[0]!.content));
    // Each call carries the round that made it and the session (0: the first).
    expect(new Set(calls.map((call) => call.proposal))).toEqual(new Set(['round-0/0', 'round-1/0', 'round-2/0', 'round-3/0']));
    expect(calls.filter((call) => call.proposal === 'round-2/0').length).toBe(report.rounds[2]!.spend.llmCalls);
  });

  it('resumed after a stop, reaches the report of a run that never stopped', async () => {
    const model = await startServer();
    const whole = await uninterrupted(model);
    const db = tempDb();
    const stop = new AbortController();
    const first = await startStop(
      fresh(db, model, {
        signal: stop.signal,
        onRound: (round) => {
          if (round.round === 1) stop.abort();
        },
      }),
    );
    expect(first.report.stopReason).toBe('interrupted');
    expect(first.report.rounds.map((round) => round.round)).toEqual([0, 1]);
    expect(stored(db, first.runId).run.status).toBe('stopped');

    const resumed = await startStop({ db, resume: first.runId, budget: {}, llm: LLM, env: {} });
    expect(resumed.runId).toBe(first.runId);
    expect(timeless(resumed.report)).toEqual(timeless(whole.report));
    const { rounds, calls, run } = stored(db, first.runId);
    expect(run.status).toBe('finished');
    expect(rounds.map((round) => round.round)).toEqual([0, 1, 2, 3]);
    expect(new Set(calls.map((call) => call.proposal))).toEqual(new Set(['round-0/0', 'round-1/0', 'round-2/1', 'round-3/1']));
  });

  it("counts the first session's spend against the budget of a resumed run", async () => {
    const model = await startServer();
    const whole = await uninterrupted(model);
    const [round0, round1] = whole.report.rounds;
    // Exactly what rounds 0 and 1 spend: round 1 ends, and round 2 finds the budget spent.
    const tokens = round0!.spend.tokens + round1!.spend.tokens;
    const db = tempDb();
    const first = await startStop(fresh(db, model, { budget: { tokens } }));
    expect(first.report).toMatchObject({ stopReason: 'tokens', stopMessage: `the token budget (${tokens}) is spent` });
    expect(first.report.rounds.map((round) => [round.round, round.interrupted])).toEqual([
      [0, undefined],
      [1, undefined],
    ]);

    // The same budget on resume: the earlier session spent it all, so no call is made.
    const asked = server!.requests.length;
    const again = await startStop({ db, resume: first.runId, budget: {}, llm: LLM, env: {} });
    expect(again.report).toMatchObject({ stopReason: 'tokens', spend: { tokens } });
    expect(again.report.rounds).toHaveLength(2);
    expect(server!.requests).toHaveLength(asked);

    const raised = await startStop({ db, resume: first.runId, budget: { tokens: whole.report.spend.tokens }, llm: LLM, env: {} });
    expect(timeless(raised.report)).toEqual(timeless(whole.report));
    expect(stored(db, first.runId).calls).toHaveLength(whole.report.spend.llmCalls);
  });

  it('replays a recorded run from its stored replies with the server shut down', async () => {
    const model = await startServer();
    const whole = await uninterrupted(model);
    await stopServer();
    const replayed = await startStop({ db: whole.db, replay: whole.runId, budget: {}, env: {} });
    expect(replayed.runId).not.toBe(whole.runId);
    expect(replayed.replay).toEqual({ unserved: 0, unrecorded: 0 });
    expect(timeless(replayed.report)).toEqual(timeless(whole.report));
    const { run, calls } = stored(whole.db, replayed.runId);
    expect(run.settings).toMatchObject({ replayOf: whole.runId, model, rounds: 3 });
    expect(calls.map((call) => call.reply)).toEqual(stored(whole.db, whole.runId).calls.map((call) => call.reply));
  });

  it('replays a run that was stopped and resumed, serving only the calls of its stored rounds', async () => {
    const model = await startServer();
    const whole = await uninterrupted(model);
    const db = tempDb();
    // Round 0 makes 6 calls of 200 tokens: the budget refuses its fourth, so the round is cut short and not stored.
    const cut = await startStop(fresh(db, model, { budget: { tokens: 600 } }));
    expect(cut.report.rounds).toHaveLength(1);
    expect(cut.report.rounds[0]!.interrupted).toMatch(/token budget/);
    expect(stored(db, cut.runId).rounds).toEqual([]);
    const done = await startStop({ db, resume: cut.runId, budget: { tokens: 1_000_000 }, llm: LLM, env: {} });
    expect(timeless(done.report).rounds).toEqual(timeless(whole.report).rounds);
    // The cut-short round's calls count as spent...
    expect(done.report.spend.llmCalls).toBeGreaterThan(whole.report.spend.llmCalls);
    await stopServer();
    // ...but a replay is served only those that made the stored rounds.
    const replayed = await startStop({ db, replay: cut.runId, budget: {}, env: {} });
    expect(replayed.replay).toEqual({ unserved: 0, unrecorded: 0 });
    expect(timeless(replayed.report).rounds).toEqual(timeless(whole.report).rounds);
  });

  it('says what is missing instead of running: no model, a model that does not answer, a database URL', async () => {
    const db = tempDb();
    await expect(startStop({ db, budget: {} })).rejects.toMatchObject({
      code: 'model-missing',
      message: expect.stringMatching(/STOP needs a model/),
    });
    await expect(
      startStop({ db: 'postgres://ouro:secret@127.0.0.1/ouro', model: 'openai:gpt-4.1-mini', budget: {} }),
    ).rejects.toMatchObject({ code: 'option-invalid', message: expect.stringMatching(/STOP runs are stored in SQLite files only/) });
    await expect(startStop({ db, resume: 'snothere', budget: {} })).rejects.toMatchObject({ code: 'run-unknown' });

    const model = await startServer();
    const stop = new AbortController();
    const first = await startStop(fresh(db, model, { signal: stop.signal, onRound: () => stop.abort() }));
    await expect(startStop({ db, replay: first.runId, model, budget: {} })).rejects.toMatchObject({
      code: 'option-invalid',
      field: 'model',
    });
    await stopServer();
    // Resuming a live run needs its model: with the server gone, it says so before spending anything.
    await expect(startStop({ db, resume: first.runId, budget: {}, llm: LLM, env: {} })).rejects.toMatchObject({
      code: 'model-unreachable',
      message: expect.stringContaining(`no answer from this model:\n  ${model}`),
    });
    expect(stored(db, first.runId).rounds).toHaveLength(1);
  });
});

describe('ouro agents stop --resume and --replay', () => {
  const parse = async (args: string[]) => {
    const program = new Command('ouro').exitOverride();
    registerAgentsStop(program.command('agents'));
    await program.parseAsync(['agents', 'stop', ...args], { from: 'user' });
  };
  const reportIn = (out: string): StopReport =>
    JSON.parse(readFileSync(join(out, readdirSync(out)[0]!, 'report.json'), 'utf8')) as StopReport;

  it('replays a run recorded by the command, offline, to the same rounds', async () => {
    const model = await startServer();
    const db = tempDb();
    const out = mkdtempSync(join(tmpdir(), 'ouro-stop-out-'));
    await parse(['--model', model, '--rounds', '1', '--db', db, '--out', out, '--json']);
    const recorded = reportIn(out);
    const [run] = readdirSync(out);
    expect(stored(db, run!).rounds.map((round) => round.metaUtility)).toEqual(recorded.rounds.map((round) => round.metaUtility));
    await stopServer();

    const again = mkdtempSync(join(tmpdir(), 'ouro-stop-out-'));
    await parse(['--replay', run!, '--db', db, '--out', again, '--json']);
    expect(reportIn(again).rounds.map((round) => round.metaUtility)).toEqual(recorded.rounds.map((round) => round.metaUtility));
    expect(reportIn(again).spend).toEqual(recorded.spend);
  });
});
