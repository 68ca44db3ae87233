// kill -9 in the middle of a DGM run: `ouro agents run` as a child process with the real sandboxed
// initial agent and the scripted server (served by this test process), killed with SIGKILL once
// a child agent is stored, then resumed from the database alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentDir } from '../src/agents/runtime/index.ts';
import { rebuildAgent } from '../src/agents/dgm/lineage.ts';
import { lineageOf } from '../src/agents/dgm/loop.ts';
import { readRun } from '../src/agents/dgm/start.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { dgmResponder, ROOT, twoTaskBenchmark } from './dgm-scripted.ts';
import { probes, requireService } from './support/services.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';

let server: ScriptedLlmServer | undefined;
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.close();
  server = undefined;
});

/** Starts `ouro <args>`; resolves with its exit once it ends. Asynchronous: this process must go on serving the model. */
function ouro(args: string[]): {
  child: ReturnType<typeof spawn>;
  exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [join(ROOT, 'bin/ouro.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exit };
}

/** Reads the database the way a second process would: the run id and its stored agents' seqs, once it has them. */
function peek(db: string): { runId?: string; seqs: number[] } {
  if (!existsSync(db)) return { seqs: [] };
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const runId = raw.prepare('SELECT id FROM dgm_runs').pluck().get() as string | undefined;
    return { ...(runId ? { runId } : {}), seqs: raw.prepare('SELECT seq FROM dgm_agents ORDER BY seq').pluck().all() as number[] };
  } catch {
    return { seqs: [] };
  } finally {
    raw.close();
  }
}

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
describe.skipIf(bubblewrap.missing)(bubblewrap.title('DGM kill -9'), () => {
  it('loses and duplicates no agent when the CLI is killed with SIGKILL mid-run, and resumes to its children budget', async () => {
    server = await startScriptedLlmServer({ respond: (request) => dgmResponder(request.messages) });
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-kill-')), 'ouro.db');
    const model = `compat:${server.compatBaseURL}#scripted`;
    const first = ouro([
      'agents',
      'run',
      'agents/initial',
      '--bench',
      twoTaskBenchmark(),
      '--model',
      model,
      '--children',
      '3',
      '--db',
      db,
      '--seed',
      '5',
      '--medium',
      '0.9',
      '--task-timeout',
      '20000',
    ]);

    let seen = peek(db);
    const deadline = Date.now() + 40_000;
    let ended: { code: number | null } | undefined;
    void first.exit.then((exit) => {
      ended = exit;
    });
    while (!seen.seqs.some((seq) => seq >= 1) && ended === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = peek(db);
    }
    expect(ended, 'the run ended before a child was stored').toBeUndefined();
    expect(seen.seqs.some((seq) => seq >= 1)).toBe(true);
    first.child.kill('SIGKILL');
    const killed = await first.exit;
    expect(killed.signal).toBe('SIGKILL');
    const runId = seen.runId as string;

    // Every exchange answered before the kill is stored (the one in flight at most is missing).
    const answered = server.requests.length;
    const store = new SqliteStore(db, { readonly: true });
    const before = store.tables(DGM_TABLES)!.dgmLlmCalls(runId);
    const agentsBefore = store.tables(DGM_TABLES)!.agents(runId);
    store.close();
    expect(before.length).toBeGreaterThanOrEqual(answered - 1);
    expect(before.length).toBeLessThanOrEqual(answered);
    expect(agentsBefore.length).toBeLessThan(4);

    // Resumed with nothing but the run id: the model, the benchmark and the children budget come from the database.
    const resumed = await ouro(['agents', 'run', '--resume', runId, '--db', db, '--json']).exit;
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, stopReason: 'children', agents: 4 });

    const { run, agents } = readRun(db, runId);
    expect(run.status).toBe('finished');
    expect(agents.map((agent) => agent.seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(agents.map((agent) => agent.id)).size).toBe(4);
    // The agents stored before the kill are unchanged.
    expect(agents.slice(0, agentsBefore.length)).toEqual(agentsBefore);
    // Every agent is intact: rebuilt from the initial agent along its chain of patches, hash-checked at every step.
    const initial = loadAgentDir(join(ROOT, 'agents/initial'));
    expect(run.initialAgent).toEqual(initial);
    for (const agent of agents) {
      const chain = lineageOf(agents, agent.id).slice(1);
      expect(chain.at(-1)?.id ?? agents[0]!.id).toBe(agent.id);
      const rebuilt = rebuildAgent(
        initial,
        chain.map((link) => ({ diff: link.diff, hash: link.hash, ...(link.code ? { code: link.code } : {}) })),
      );
      expect(rebuilt['agent.mjs']).toMatch(/OURO_MAX_TURNS \?\? 1*30\)/);
      if (agent.seq > 0) expect(agent.kept).toBe(true);
    }
    // The resumed session's exchanges are tagged as its own and stored after the first session's.
    const after = new SqliteStore(db, { readonly: true });
    const calls = after.tables(DGM_TABLES)!.dgmLlmCalls(runId);
    after.close();
    expect(calls.slice(0, before.length)).toEqual(before);
    expect(calls.slice(before.length).every((call) => call.proposal?.endsWith('/1'))).toBe(true);
    // Nothing is missing but the call the kill cut off, if one was in flight.
    expect(server.requests.length - calls.length).toBe(answered - before.length);

    // The killed-and-resumed run replays, through the CLI and with the server gone, to the same
    // archive: the replay is served the exchanges that made the stored agents, not the abandoned ones.
    await server.close();
    server = undefined;
    const replay = await ouro(['agents', 'run', '--replay', runId, '--db', db, '--json']).exit;
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    const replayId = (JSON.parse(replay.stdout) as { runId: string }).runId;
    const shape = (records: typeof agents) =>
      records.map((agent) => ({
        seq: agent.seq,
        parent: agent.parentId?.split('-')[1] ?? null,
        problem: agent.diagnosis?.problem,
        diff: agent.diff,
        hash: agent.hash,
        scores: agent.scores,
        results: agent.results.map((result) => [result.taskId, result.status]),
      }));
    expect(shape(readRun(db, replayId).agents)).toEqual(shape(agents));
  }, 90_000);
});
