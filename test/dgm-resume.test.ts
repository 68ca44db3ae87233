import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gradeTask } from '../src/agents/coding-bench/grade.ts';
import { runDgm, type DgmOptions } from '../src/agents/dgm/index.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { addSkillReply, initialAgent, RUN_TOKENS, scriptedModel, skillRunner, testBenchmark } from './dgm-fixtures.ts';
import { probes, requireService } from './support/services.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';

const benchmark = testBenchmark();
let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function options(overrides: Partial<DgmOptions> = {}): Promise<DgmOptions> {
  server ??= await startScriptedLlmServer({ respond: addSkillReply });
  return {
    db: join(mkdtempSync(join(tmpdir(), 'ouro-dgm-')), 'ouro.db'),
    agent: initialAgent(),
    benchmark,
    runner: skillRunner(benchmark),
    model: scriptedModel(server),
    seed: 11,
    thresholds: { medium: 0.5 },
    concurrency: 2,
    ...overrides,
  };
}

/** What identifies a child: its place, its parent, what it was asked and what it changed. */
const lineage = (agents: Array<{ seq: number; parentId: string | null; diff: string; diagnosis?: { problem: string } }>) =>
  agents.map((agent) => ({
    seq: agent.seq,
    parent: agent.parentId?.split('-')[1] ?? null,
    problem: agent.diagnosis?.problem,
    diff: agent.diff,
  }));

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
describe.skipIf(bubblewrap.missing)(bubblewrap.title('DGM budgets and resume'), () => {
  it('stops cleanly when the token, wall-time or children budget is spent', async () => {
    // The initial agent's 4 task runs cost 4 * RUN_TOKENS; one more token lets exactly one child start,
    // and that child stops after the small set because the budget is spent by then.
    const tokens = await runDgm(await options({ budget: { tokens: 4 * RUN_TOKENS + 1 } }));
    expect(tokens.stopReason).toBe('tokens');
    expect(tokens.agents).toHaveLength(2);
    expect(Object.keys(tokens.agents[1]!.scores)).toEqual(['small']);
    expect(tokens.spend.tokens).toBeGreaterThan(4 * RUN_TOKENS + 1);
    const money = await runDgm(await options({ budget: { costUsd: 0.0001 } }));
    expect(money).toMatchObject({ stopReason: 'cost' });
    expect(money.agents).toHaveLength(1);
    const wall = await runDgm(await options({ budget: { wallTimeMs: 1 } }));
    expect(wall.stopReason).toBe('wall-time');
    expect(wall.agents).toHaveLength(1);
  }, 30_000);

  it('resumes an interrupted and then a crashed run without losing or duplicating a child', async () => {
    const straight = await runDgm(await options({ budget: { children: 3 } }));
    expect(straight.agents).toHaveLength(4);

    // Session 1: Ctrl-C during the second child's self-edit; that child is abandoned, not half-written.
    const stop = new AbortController();
    const first = await options({ budget: { children: 3 }, signal: stop.signal });
    const runner = skillRunner(benchmark);
    runner.beforeSelfEdit = (count) => {
      if (count === 2) stop.abort();
    };
    const interrupted = await runDgm({ ...first, runner });
    expect(interrupted.stopReason).toBe('interrupted');
    expect(interrupted.agents.map((agent) => agent.seq)).toEqual([0, 1]);

    // Session 2: the grader crashes in the middle of a child's evaluation; the error surfaces, nothing partial is kept.
    let grades = 0;
    const crash = runDgm({
      ...first,
      signal: undefined,
      resume: interrupted.runId,
      grade: (task, files) => (++grades === 2 ? Promise.reject(new Error('grader crashed')) : gradeTask(task, files)),
    });
    await expect(crash).rejects.toThrow('grader crashed');

    // Session 3: resumed to the end, it holds the same children as the uninterrupted run with the same seed.
    const resumed = await runDgm({ ...first, signal: undefined, resume: interrupted.runId });
    expect(resumed.runId).toBe(interrupted.runId);
    expect(resumed.stopReason).toBe('children');
    expect(resumed.agents.map((agent) => agent.id)).toEqual([0, 1, 2, 3].map((seq) => `${interrupted.runId}-${seq}`));
    expect(lineage(resumed.agents)).toEqual(lineage(straight.agents));
    const store = new SqliteStore(first.db as string, { readonly: true });
    expect(store.tables(DGM_TABLES)!.agents(interrupted.runId)).toHaveLength(4);
    expect(store.tables(DGM_TABLES)!.getDgmRun(interrupted.runId)!.status).toBe('finished');
    store.close();
  }, 30_000);
});
