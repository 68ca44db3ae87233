// Record and replay for the DGM: a run with the real sandboxed initial agent and the scripted
// server stores every exchange (diagnosis and the agents' broker calls); after the server is
// closed, `--replay` makes a new run from the recorded replies alone and reaches the same archive.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRun, startDgm } from '../src/agents/dgm/start.ts';
import { replayKey } from '../src/llm/index.ts';
import type { AgentRecord } from '../src/agents/dgm/store.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { dgmResponder, ROOT, twoTaskBenchmark } from './dgm-scripted.ts';
import { probes, requireService } from './support/services.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What an archive is: each agent's place, parent, diagnosis, diff, code hash, scores and per-task outcome. */
const archive = (agents: readonly AgentRecord[]) =>
  agents.map((agent) => ({
    seq: agent.seq,
    parent: agent.parentId?.replace(/^d[0-9a-f]+-/, '') ?? null,
    kept: agent.kept,
    discardReason: agent.discardReason,
    problem: agent.diagnosis?.problem,
    diff: agent.diff,
    hash: agent.hash,
    score: agent.score,
    scores: agent.scores,
    results: agent.results.map((result) => ({ task: result.taskId, status: result.status, output: result.output, log: result.log })),
    tokens: agent.metrics.tokens,
  }));

function calls(db: string, runId: string) {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return store.tables(DGM_TABLES)!.dgmLlmCalls(runId);
  } finally {
    store.close();
  }
}

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
describe.skipIf(bubblewrap.missing)(bubblewrap.title('DGM record and replay'), () => {
  it('stores every exchange as it ends and replays a run, with the server gone, to the same archive', async () => {
    server = await startScriptedLlmServer({ respond: (request) => dgmResponder(request.messages) });
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-dgm-replay-')), 'ouro.db');
    const recorded = await startDgm({
      agentDir: join(ROOT, 'agents/initial'),
      bench: twoTaskBenchmark(),
      models: [`compat:${server.compatBaseURL}#scripted`],
      db,
      seed: 7,
      budget: { children: 2 },
      thresholds: { medium: 0.9 },
      taskTimeoutMs: 20_000,
    });
    expect(recorded.stopReason).toBe('children');
    const original = readRun(db, recorded.runId).agents;
    expect(original.map((agent) => agent.seq)).toEqual([0, 1, 2]);
    expect(original.every((agent) => agent.kept)).toBe(true);
    // Both children changed the code; a child of a child would carry "1130".
    expect(original.slice(1).every((agent) => /OURO_MAX_TURNS \?\? 1+30\)/.test(agent.diff))).toBe(true);

    // Every exchange the server answered is stored, in order, tagged with the agent it was made for.
    const stored = calls(db, recorded.runId);
    expect(stored).toHaveLength(server.requests.length);
    expect(stored.map((call) => call.request.messages.map((message) => message.content))).toEqual(
      server.requests.map((request) => request.messages.map((message) => message.content)),
    );
    expect(stored.filter((call) => call.operator === 'dgm-diagnosis')).toHaveLength(2);
    expect(new Set(stored.map((call) => call.proposal))).toEqual(new Set([0, 1, 2].map((seq) => `${recorded.runId}-${seq}/0`)));
    const tokens = stored.reduce((sum, call) => sum + call.usage.inputTokens + call.usage.outputTokens, 0);
    expect(tokens).toBe(server.usage.inputTokens + server.usage.outputTokens);
    expect(recorded.spend.tokens).toBe(tokens);

    await server.close();
    server = undefined;
    const replayed = await startDgm({ replay: recorded.runId, models: [], db, budget: {} });
    expect(replayed.runId).not.toBe(recorded.runId);
    expect(replayed.stopReason).toBe('children');
    const again = readRun(db, replayed.runId);
    expect(again.run.settings).toMatchObject({
      seed: 7,
      replayOf: recorded.runId,
      thresholds: { medium: 0.9 },
      taskTimeoutMs: 20_000,
      budget: { children: 2 },
    });
    expect(archive(again.agents)).toEqual(archive(original));
    // The replay was served every recorded reply for the same prompts, and recorded them in turn.
    const served = calls(db, replayed.runId);
    expect(served.map((call) => replayKey(call.model, call.request))).toEqual(stored.map((call) => replayKey(call.model, call.request)));
    expect(served.map((call) => call.reply)).toEqual(stored.map((call) => call.reply));

    // A resume books every stored exchange against the budget, those of an abandoned child too
    // (here one of 5,000 tokens, as a kill mid-child leaves), not only the stored agents' metrics.
    const metricsTokens = again.agents.reduce((sum, agent) => sum + agent.metrics.tokens, 0);
    const writable = new SqliteStore(db);
    writable.tables(DGM_TABLES)!.recordDgmLlmCall(replayed.runId, {
      ...served[0]!,
      proposal: `${replayed.runId}-3/0`,
      usage: { inputTokens: 4_000, outputTokens: 1_000 },
    });
    writable.close();
    const resumed = await startDgm({ resume: replayed.runId, models: [], db, budget: { children: 3, tokens: metricsTokens + 1_000 } });
    expect(resumed.stopReason).toBe('tokens');
    // Had the budget seen only the metrics, child 3 would have been attempted (and recorded, discarded: the replay has no reply for it).
    expect(readRun(db, replayed.runId).agents).toHaveLength(3);
  }, 60_000);
});
