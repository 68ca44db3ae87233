/**
 * Task generation end to end on a SCRIPTED proposer (src/testing/task-proposer.ts), which sometimes
 * writes broken tasks, and a SIMULATED solver (src/testing/task-solver-sim.ts) whose pass rate per
 * task is fixed. Real bubblewrap for coding tasks, the real isolate for math and triples, a real
 * SQLite file. No model is involved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTasks, resumeTasks, type StoredProposal, startTasks, TASKS_DEFAULTS, type TasksSettings } from '../src/tasks/index.ts';
import { createTaskProposer } from '../src/testing/task-proposer.ts';
import { createTaskSolver } from '../src/testing/task-solver-sim.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const ROOT = join(import.meta.dirname, '..');
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

/** The reason each kind of served reply must be rejected with. */
const EXPECTED: Record<string, string | undefined> = {
  unparseable: 'unparseable',
  duplicate: 'duplicate',
  'failing-reference': 'reference-fails',
  'passing-stub': 'stub-passes',
  'always-pass-tests': 'trivial-passes',
  'date-now': 'nondeterministic',
  'math-random': 'nondeterministic',
  fetch: 'escapes-sandbox',
};

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scripted(seed: number, flawShare: number) {
  const proposer = createTaskProposer({ seed, flawShare, unparseableShare: 0.1 });
  const solver = createTaskSolver();
  server = await startScriptedLlmServer({
    respond: (request) => {
      const prompt = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
      return /^Kind: /m.test(prompt) ? proposer.respond(request) : solver.respond(request);
    },
  });
  return { proposer, solver, model: `compat:${server.compatBaseURL}#scripted` };
}

function settings(model: string, extra: Partial<TasksSettings> = {}): Partial<TasksSettings> & { proposer: string } {
  return { ...TASKS_DEFAULTS, proposer: model, generators: ['coding', 'math'], proposals: 18, ladderDepth: 1, seed: 3, ...extra };
}

describe.skipIf(bubblewrap.missing)(bubblewrap.title('task generation on a scripted proposer and a SIMULATED solver'), () => {
  it('rejects each broken task with its reason, keeps only the learnable middle band, and feeds the curriculum', async () => {
    const { proposer, model } = await scripted(11, 0.4);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-tasks-')), 't.db');
    const result = await startTasks(settings(model), { db, probe: false });
    expect(result).toMatchObject({ proposals: 18, stopReason: 'done' });
    const { store, tasks } = openTasks(db, true);
    try {
      const proposals = tasks.tasks(result.runId);
      expect(proposals.map((proposal) => proposal.seq)).toEqual([...Array(18).keys()]);
      // Proposals run one at a time, so the served replies line up with the seqs.
      expect(proposer.served).toHaveLength(18);
      let planted = 0;
      proposer.served.forEach((served, seq) => {
        const expected = EXPECTED[served.quality];
        if (expected === undefined) return;
        planted++;
        expect({ seq, quality: served.quality, reason: proposals[seq]?.reason }).toEqual({
          seq,
          quality: served.quality,
          reason: expected,
        });
      });
      expect(planted).toBeGreaterThanOrEqual(4);
      // Every task validated was attempted 4 times; only pass rates strictly inside (0.1, 0.9) are kept.
      const rates = new Map<string, number>();
      for (const attempt of tasks.attempts(result.runId))
        rates.set(attempt.taskId, (rates.get(attempt.taskId) ?? 0) + (attempt.passed ? 1 : 0));
      for (const proposal of proposals) {
        if (proposal.task === undefined || !rates.has(proposal.task.id)) continue;
        const rate = (rates.get(proposal.task.id) as number) / 4;
        if (proposal.kept) expect(rate > 0.1 && rate < 0.9).toBe(true);
        else expect(proposal.reason).toBe(rate <= 0.1 ? 'too-hard' : rate >= 0.9 ? 'too-easy' : proposal.reason);
      }
      expect(proposals.some((proposal) => proposal.kept)).toBe(true);
      expect(proposals.some((proposal) => proposal.reason === 'too-easy' || proposal.reason === 'too-hard')).toBe(true);
      // LADDER: a task too hard for the solver is followed by an easier variant of it.
      const hard = proposals.find((proposal) => proposal.reason === 'too-hard' && proposal.seq < 17);
      if (hard) {
        const next = proposals[hard.seq + 1];
        expect(next?.generator).toBe('ladder');
        if (next?.task) expect(next.task.provenance).toMatchObject({ parent: hard.task?.id, depth: 1 });
      }
      // The curriculum took one step per proposal it picked (not LADDER's), with the reward the attempts earned.
      const steps = tasks.curriculum(result.runId);
      expect(steps).toHaveLength(proposals.filter((proposal) => proposal.generator !== 'ladder').length);
      expect(steps.every((step) => step.reward !== undefined && step.reward >= 0 && step.reward <= 0.5)).toBe(true);
      const spent = tasks.llmCalls(result.runId);
      expect(spent.filter((call) => call.operator === 'propose-task')).toHaveLength(18);
    } finally {
      store.close();
    }
  }, 180_000);

  it('stops at a token budget and a resume asks no model twice', async () => {
    const { model } = await scripted(5, 0.2);
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-tasks-')), 't.db');
    const stopped = await startTasks(settings(model, { proposals: 8, budget: { tokens: 4000 } }), { db, probe: false });
    expect(stopped.stopReason).toBe('budget');
    expect(stopped.proposals).toBeLessThan(8);
    const asked = server?.requests.length ?? 0;
    const resumed = await resumeTasks(stopped.runId, { db, budget: { tokens: 10_000_000 } });
    expect(resumed).toMatchObject({ stopReason: 'done', proposals: 8 });
    const { store, tasks } = openTasks(db, true);
    try {
      const calls = tasks.llmCalls(stopped.runId);
      // Every call the server answered is in the ledger once, and nothing was asked twice.
      expect(server?.requests.length).toBe(calls.length);
      expect(asked).toBeLessThan(calls.length);
      const keys = calls.map((call) => `${call.operator}:${call.proposal}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(tasks.events(stopped.runId).map((event) => event.kind)).toEqual(['started', 'stopped', 'resumed', 'finished']);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('task generation settings', () => {
  it('refuses bad bounds, sws without failures, and a solver that does not answer, before any run exists', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-tasks-')), 't.db');
    const base = { ...TASKS_DEFAULTS, proposer: 'compat:http://127.0.0.1:9/v1#nobody' };
    await expect(startTasks({ ...base, bounds: { low: -0.1, high: 0.9 } }, { db, probe: false })).rejects.toThrow(/bounds\.low/);
    await expect(startTasks({ ...base, bounds: { low: 0.8, high: 0.2 } }, { db, probe: false })).rejects.toThrow(/bounds/);
    await expect(startTasks({ ...base, generators: ['sws'] }, { db, probe: false })).rejects.toThrow(/--failures-from/);
    await expect(startTasks({ ...base, generators: ['sws'], failuresFrom: 'dgm:nope' }, { db, probe: false })).rejects.toThrow(
      /nope|t\.db/,
    );
    await expect(startTasks({ ...base, solver: 'compat:http://127.0.0.1:9/v1#solver' }, { db })).rejects.toThrow(/127\.0\.0\.1:9/);
  });
});

describe.skipIf(bubblewrap.missing)(bubblewrap.title('a task run killed with SIGKILL'), () => {
  it('loses no validated task and resumes where it stopped, asking no proposal twice', async () => {
    const { model } = await scripted(21, 0.25);
    const folder = mkdtempSync(join(tmpdir(), 'ouro-tasks-kill-'));
    const db = join(folder, 't.db');
    const args = ['tasks', 'generate', '--proposer', model, '--generators', 'coding,math', '--proposals', '14', '--seed', '2', '--db', db];
    const child = spawn(process.execPath, [join(ROOT, 'bin/ouro.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const before = await new Promise<StoredProposal[]>((resolve, reject) => {
      const timer = setInterval(() => {
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error('the run ended before it could be killed'));
          return;
        }
        try {
          const { store, tasks } = openTasks(db, true);
          try {
            const run = tasks.runs()[0];
            const stored = run ? tasks.tasks(run.id) : [];
            if (stored.length >= 5) {
              child.kill('SIGKILL');
              clearInterval(timer);
              resolve(stored);
            }
          } finally {
            store.close();
          }
        } catch {
          // No database yet.
        }
      }, 10);
    });
    await new Promise((resolve) => child.once('close', resolve));
    const runId = (() => {
      const { store, tasks } = openTasks(db, true);
      try {
        return tasks.runs()[0]?.id as string;
      } finally {
        store.close();
      }
    })();
    const resumed = await resumeTasks(runId, { db });
    expect(resumed).toMatchObject({ stopReason: 'done', proposals: 14 });
    const { store, tasks } = openTasks(db, true);
    try {
      const after = tasks.tasks(runId);
      expect(after.map((proposal) => proposal.seq)).toEqual([...Array(14).keys()]);
      // Every outcome stored before the kill is still there, unchanged.
      for (const proposal of before) expect(after[proposal.seq]).toEqual(proposal);
      const calls = tasks.llmCalls(runId);
      const keys = calls.map((call) => `${call.operator}:${call.proposal}`);
      expect(new Set(keys).size).toBe(keys.length);
      // At most the calls in flight at the kill were answered and never stored.
      expect((server?.requests.length ?? 0) - calls.length).toBeLessThanOrEqual(2);
    } finally {
      store.close();
    }
  }, 180_000);
});
