/**
 * Self-play runs end to end on SCRIPTED players (no model): proposer-solver over the scripted
 * proposer and the simulated solver, and sneaky-critic over a benchmark folder that `exportBench`
 * wrote from generated tasks. Episodes are stored one by one and exported in the flywheel's
 * formats; a resumed sneaky-critic run plays only the episodes it lacks.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkJsonl } from '../src/flywheel/index.ts';
import { exportGameEpisodes } from '../src/tasks/games/index.ts';
import { resumeSneakyCritic, startSneakyCritic } from '../src/tasks/games/run.ts';
import { exportBench, type GeneratedTask, openTasks, startTasks, TASKS_DEFAULTS } from '../src/tasks/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { createSneakyCriticSim } from '../src/testing/sneaky-critic-sim.ts';
import { CODING_POOL, createTaskProposer } from '../src/testing/task-proposer.ts';
import { createTaskSolver } from '../src/testing/task-solver-sim.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function poolTask(name: string): GeneratedTask {
  const body = CODING_POOL.find((item) => item.name === name);
  if (body === undefined) throw new Error(`no pool task exports ${name}`);
  return {
    id: `g${name.toLowerCase().padEnd(12, '0').slice(0, 12)}`,
    title: body.title,
    category: { generator: 'coding', difficulty: body.difficulty, topic: body.topic },
    statement: body.statement,
    code: { entry: 'solution.js', stub: body.stub, tests: body.tests, reference: body.reference },
    provenance: { generator: 'coding', model: 'scripted', prompt: 'write a task', reply: '(pool)' },
  };
}

describe.skipIf(bubblewrap.missing)(bubblewrap.title('self-play runs (SCRIPTED players)'), () => {
  it('proposer-solver: one episode per proposal, with the learnability reward, exported as SFT examples and DPO pairs', async () => {
    const proposer = createTaskProposer({ seed: 4, flawShare: 0.2, unparseableShare: 0.1 });
    const solver = createTaskSolver({ skill: () => 2 });
    server = await startScriptedLlmServer({
      respond: (request) => (/^Kind: /m.test(request.messages.at(-1)?.content ?? '') ? proposer.respond(request) : solver.respond(request)),
    });
    const folder = mkdtempSync(join(tmpdir(), 'ouro-selfplay-'));
    const db = join(folder, 's.db');
    const model = `compat:${server.compatBaseURL}#scripted`;
    const result = await startTasks(
      { ...TASKS_DEFAULTS, proposer: model, generators: ['coding', 'math'], proposals: 8, ladderDepth: 0, game: 'proposer-solver' },
      { db, probe: false },
    );
    const { store, tasks } = openTasks(db, true);
    try {
      expect(tasks.getRun(result.runId)?.kind).toBe('selfplay');
      const episodes = tasks.episodes(result.runId);
      expect(episodes.map((episode) => episode.seq)).toEqual([...Array(8).keys()]);
      for (const episode of episodes) {
        const data = episode.data as { proposerReward: number; solver: { attempts: number; passed: number } };
        // Every valid task was solved twice in four attempts: pass rate 0.5, learnability reward 0.5.
        if (data.solver.attempts > 0) expect(data).toMatchObject({ proposerReward: 0.5, solver: { attempts: 4, passed: 2 } });
        else expect(data.proposerReward).toBe(0);
      }
      const exported = await exportGameEpisodes(episodes, {
        sftPath: join(folder, 'out', 'sft.jsonl'),
        pairsPath: join(folder, 'out', 'pairs.jsonl'),
        heldOut: new Set(),
      });
      expect(exported.sft.lines).toBeGreaterThan(0);
      expect(exported.pairs.lines).toBeGreaterThan(0);
      expect(() => checkJsonl(readFileSync(exported.sft.path, 'utf8'), 'trl-messages')).not.toThrow();
      expect(() => checkJsonl(readFileSync(exported.pairs.path, 'utf8'), 'trl-dpo')).not.toThrow();
    } finally {
      store.close();
    }
  }, 180_000);

  it('sneaky-critic: plays on an exported benchmark of generated tasks, stores each episode, and resumes without replaying', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ouro-selfplay-'));
    const bench = join(folder, 'bench');
    exportBench(bench, ['isPrime', 'gcd', 'encode', 'reverseWords'].map(poolTask));
    const sim = createSneakyCriticSim({
      sneaky: ['off-by-one', 'missed-edge', 'obvious', 'correct'],
      critic: ['find', 'miss', 'find', 'correct'],
    });
    server = await startScriptedLlmServer({ respond: sim.respond });
    const model = `compat:${server.compatBaseURL}#scripted`;
    const db = join(folder, 's.db');
    const settings = { game: 'sneaky-critic' as const, sneaky: model, episodes: 3, source: { bench }, budget: {} };
    const first = await startSneakyCritic(settings, { db, probe: false });
    expect(first).toMatchObject({ episodes: 3, stopReason: 'done' });
    const asked = server.requests.length;
    const more = await resumeSneakyCritic(first.runId, { db, episodes: 6 });
    expect(more.episodes).toBe(6);
    const { store, tasks } = openTasks(db, true);
    try {
      const episodes = tasks.episodes(first.runId);
      expect(episodes.map((episode) => episode.seq)).toEqual([0, 1, 2, 3, 4, 5]);
      // The first three were not played again: each new episode asked the sneaky model, and the critic at most once.
      expect(server.requests.length - asked).toBeLessThanOrEqual(6);
      const calls = tasks.llmCalls(first.runId);
      expect(calls.length).toBe(server.requests.length);
      const verdicts = episodes.map((episode) => (episode.data as { sneaky: { verdict: string } }).sneaky.verdict);
      expect(verdicts.every((verdict) => ['sneaky', 'obviously-wrong', 'correct', 'unparseable'].includes(verdict))).toBe(true);
      expect(more.wins.sneaky + more.wins.critic).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  }, 180_000);
});
