/**
 * Generated tasks consumed downstream, all on SCRIPTED models (no real model): a task run on the
 * scripted proposer and the simulated solver, exported with `ouro tasks export`, then
 * - the DGM's initial agent evaluated on the exported benchmark folder as it is, and
 * - a flywheel round sampling and verifying the exported flywheel task file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRun, startDgm } from '../src/agents/dgm/start.ts';
import { FLYWHEEL_DEFAULTS, openFlywheel, startFlywheel } from '../src/flywheel/index.ts';
import { openTasks, startTasks, TASKS_DEFAULTS } from '../src/tasks/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';
import { CODING_POOL, createTaskProposer } from '../src/testing/task-proposer.ts';
import { createTaskSolver } from '../src/testing/task-solver-sim.ts';
import type { ChatMessage } from '../src/core/model.ts';
import { probes, requireService } from './support/services.ts';

const ROOT = resolve(import.meta.dirname, '..');
const fence = '```';
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * One scripted server for every part: proposer prompts, the solver's, and the DGM's (a diagnosis,
 * a self-edit, and an agent that writes the reference of the pool task it is shown).
 */
function responder(): {
  respond: (messages: ChatMessage[]) => ScriptStep;
  newSolver: (right: number) => void;
  giveUpOn: (statement: string) => void;
} {
  let hopeless = '';
  const proposer = createTaskProposer({ seed: 9, flawShare: 0, unparseableShare: 0 });
  let solver = createTaskSolver({ skill: () => 2 });
  const respond = (messages: ChatMessage[]): ScriptStep => {
    const last = messages.at(-1)?.content ?? '';
    const all = messages.map((message) => message.content).join('\n');
    const request = { protocol: 'openai' as const, model: 'scripted', messages, stream: false, logprobs: false, at: Date.now() };
    if (/^Kind: /m.test(last)) return proposer.respond(request);
    if (messages[0]?.content.startsWith('You diagnose a coding agent')) return { text: '<problem>Nothing to fix.</problem>' };
    if (messages[0]?.role !== 'system' || !all.includes('# Files in the workspace')) return solver.respond(request);
    if (messages.some((message) => message.role === 'assistant')) return { text: 'DONE' };
    if (hopeless !== '' && all.includes(hopeless)) return { text: 'DONE' };
    const body = CODING_POOL.find((item) => all.includes(item.statement.slice(0, 60)));
    return body ? { text: `${fence}edit create solution.js\n${body.reference}\n${fence}\n` } : { text: 'DONE' };
  };
  // The simulated solver gets each task right its first `right` times: a later phase starts a fresh one.
  return {
    respond,
    newSolver: (right) => {
      solver = createTaskSolver({ skill: () => right });
    },
    giveUpOn: (statement) => {
      hopeless = statement;
    },
  };
}

describe.skipIf(bubblewrap.missing)(bubblewrap.title('generated tasks downstream (SCRIPTED models)'), () => {
  it('exports kept coding tasks that the DGM evaluates an agent on, and a task file the flywheel samples and verifies', async () => {
    const { respond, newSolver, giveUpOn } = responder();
    server = await startScriptedLlmServer({ respond: (request) => respond(request.messages) });
    const model = `compat:${server.compatBaseURL}#scripted`;
    const folder = mkdtempSync(join(tmpdir(), 'ouro-tasks-e2e-'));
    const db = join(folder, 'ouro.db');
    const generated = await startTasks(
      { ...TASKS_DEFAULTS, proposer: model, generators: ['coding', 'math'], proposals: 8, ladderDepth: 0 },
      { db, probe: false },
    );
    expect(generated.kept).toBeGreaterThanOrEqual(2);

    const bench = join(folder, 'bench');
    const file = join(folder, 'tasks.jsonl');
    const cli = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/ouro.js'),
        'tasks',
        'export',
        generated.runId,
        '--bench',
        bench,
        '--flywheel',
        file,
        '--curriculum',
        '50',
        '--db',
        db,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`ouro agents run --bench ${bench}`);
    expect(existsSync(join(bench, 'generated.json'))).toBe(true);

    // The DGM takes the exported folder as it is: the initial agent is evaluated on the generated tasks.
    const { store, tasks } = openTasks(db, true);
    const keptCoding = tasks.keptTasks(generated.runId).filter((task) => task.code !== undefined);
    store.close();
    // The agent gives up on one task, which SwS then aims at.
    const hopeless = keptCoding[0];
    giveUpOn(hopeless?.statement.slice(0, 60) ?? 'none');
    const dgm = await startDgm({
      agentDir: join(ROOT, 'agents/initial'),
      bench,
      models: [model],
      db: join(folder, 'dgm.db'),
      seed: 1,
      budget: { children: 1 },
      thresholds: { medium: 0.99 },
      taskTimeoutMs: 20_000,
    });
    const { agents } = readRun(join(folder, 'dgm.db'), dgm.runId);
    const root = agents[0];
    expect(root?.results.length).toBe(Math.min(keptCoding.length, 6));
    const unresolved = root?.results.filter((result) => result.status !== 'resolved').map((result) => result.taskId) ?? [];
    expect(unresolved).toHaveLength(1);
    expect(unresolved[0]).toContain(hopeless?.id.slice(0, 8));

    // SwS reads the DGM's failure and writes a task aimed at it.
    const sws = await startTasks(
      { ...TASKS_DEFAULTS, proposer: model, generators: ['sws'], failuresFrom: `dgm:${dgm.runId}`, proposals: 1, ladderDepth: 0 },
      { db: join(folder, 'dgm.db'), probe: false },
    );
    const opened0 = openTasks(join(folder, 'dgm.db'), true);
    try {
      const [proposal] = opened0.tasks.tasks(sws.runId);
      expect(proposal?.generator).toBe('sws');
      expect(proposal?.task?.provenance.prompt).toContain(hopeless?.statement.slice(0, 60));
    } finally {
      opened0.store.close();
    }

    // The flywheel takes the exported task file: its code tasks are checked in the sandbox, its math by the answer.
    newSolver(1);
    const flywheel = await startFlywheel(
      {
        ...FLYWHEEL_DEFAULTS,
        source: { kind: 'tasks' as const, file },
        model,
        rounds: 1,
        k: 2,
        heldOut: 0,
        concurrency: 2,
        trainer: 'none',
        exportDir: join(folder, 'flywheel'),
        pairs: ['dpo' as const],
      },
      { db, probe: false },
    );
    expect(flywheel.stopReason).toBe('rounds');
    const opened = openFlywheel(db, true);
    try {
      const verdicts = opened.flywheel.verdicts(flywheel.runId, 0);
      expect(verdicts.length).toBe(generated.kept * 2);
      expect(new Set(verdicts.map((verdict) => verdict.verifier)).has('execution')).toBe(true);
      expect(verdicts.some((verdict) => verdict.passed)).toBe(true);
    } finally {
      opened.store.close();
    }
  }, 240_000);
});
