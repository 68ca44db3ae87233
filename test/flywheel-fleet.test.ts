/**
 * The flywheel on a fleet: a real redis-server and two `ouro worker` processes, which make the
 * model calls themselves (against a SIMULATED model served by this test process) and check code
 * in their own bubblewrap sandboxes. Every call must land in the run's ledger exactly once, the
 * budget must hold across the fleet, and a resumed run must ask nothing twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fleetFlywheel } from '../src/fleet/flywheel.ts';
import { sampleJobId, type SampleJob } from '../src/fleet/flywheel-protocol.ts';
import { startLocalFleet, type LocalFleet } from '../src/fleet/local-fleet.ts';
import { fleetStatus } from '../src/fleet/status.ts';
import { codingBenchSource, FLYWHEEL_DEFAULTS, openFlywheel, resumeFlywheel, startFlywheel } from '../src/flywheel/index.ts';
import { simFlywheelTasks } from '../src/testing/fine-tune-sim-model.ts';
import { startFineTuneSim, type FineTuneSim } from '../src/testing/fine-tune-sim.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const ROOT = join(import.meta.dirname, '..');
const redis = await requireService('redis-server', probes.redis);
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

function tasksFile(folder: string, count: number): string {
  const file = join(folder, 'tasks.jsonl');
  const tasks = simFlywheelTasks({ count, seed: 4 });
  writeFileSync(file, `${tasks.map((task) => JSON.stringify({ id: task.id, question: task.prompt, answer: task.answer })).join('\n')}\n`);
  return file;
}

function answerSettings(file: string, model: string, exportDir: string) {
  return {
    ...FLYWHEEL_DEFAULTS,
    source: { kind: 'jsonl' as const, file, prompt: 'question', answer: 'answer', id: 'id' },
    model,
    rounds: 1,
    k: 4,
    heldOut: 6,
    concurrency: 6,
    trainer: 'none',
    exportDir,
    pairs: ['dpo' as const],
  };
}

describe.skipIf(redis.missing)(redis.title('the flywheel on a fleet (SIMULATED model)'), () => {
  let fleet: LocalFleet;
  let sim: FineTuneSim | undefined;
  let server: ScriptedLlmServer | undefined;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-flywheel-fleet-'));

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 2, concurrency: 2, cacheDir: join(temp, 'cache'), env: { OURO_FLEET_LOCK_MS: '3000' } });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
  });
  afterEach(async () => {
    await sim?.close();
    await server?.close();
    sim = undefined;
    server = undefined;
  });

  it('samples on the workers and books each of their calls once, under its sample', async () => {
    sim = await startFineTuneSim({ seed: 3, chatLatencyMs: 20 });
    const folder = mkdtempSync(join(temp, 'answers-'));
    const db = join(folder, 'f.db');
    const result = await startFlywheel(answerSettings(tasksFile(folder, 30), sim.modelId('sim-base'), join(folder, 'out')), {
      db,
      probe: false,
      remote: fleetFlywheel({ url: fleet.url }),
    });
    expect(result).toMatchObject({ rounds: 1, stopReason: 'rounds' });
    const { store, flywheel } = openFlywheel(db, true);
    try {
      const samples = flywheel.samples(result.runId, 0).filter((sample) => sample.kind === 'sample');
      // 24 train tasks × 4, and 6 held-out tasks once each.
      expect(samples).toHaveLength(24 * 4 + 6);
      const calls = flywheel.llmCalls(result.runId).filter((call) => call.operator === 'sample');
      expect(calls).toHaveLength(samples.length);
      expect(new Set(calls.map((call) => call.proposal)).size).toBe(samples.length);
      expect(sim.count('chat')).toBe(samples.length + flywheel.llmCalls(result.runId).filter((call) => call.operator !== 'sample').length);
      expect(calls.reduce((sum, call) => sum + call.usage.inputTokens + call.usage.outputTokens, 0)).toBeGreaterThan(1200);
      expect(flywheel.rounds(result.runId)[0]?.figures).toMatchObject({ heldOutTasks: 6 });
    } finally {
      store.close();
    }
    const status = await fleetStatus(fleet.url);
    expect(status.queues.find((queue) => queue.name === 'sample')?.counts.completed).toBeGreaterThanOrEqual(24 * 4 + 6);
  }, 120_000);

  it('stops at the token budget with every worker call counted, and a resume asks nothing twice', async () => {
    sim = await startFineTuneSim({ seed: 5, chatLatencyMs: 10 });
    const folder = mkdtempSync(join(temp, 'budget-'));
    const db = join(folder, 'f.db');
    const settings = { ...answerSettings(tasksFile(folder, 30), sim.modelId('sim-base'), join(folder, 'out')), budget: { tokens: 600 } };
    const stopped = await startFlywheel(settings, { db, probe: false, remote: fleetFlywheel({ url: fleet.url }) });
    expect(stopped.stopReason).toBe('budget');
    const first = openFlywheel(db, true);
    const spent = first.flywheel.llmCalls(stopped.runId);
    const perCall = Math.max(...spent.map((call) => call.usage.inputTokens + call.usage.outputTokens));
    const tokens = spent.reduce((sum, call) => sum + call.usage.inputTokens + call.usage.outputTokens, 0);
    first.store.close();
    // The budget is checked before each job is sent: at most `concurrency` calls start past it.
    expect(tokens).toBeGreaterThanOrEqual(600);
    expect(tokens).toBeLessThanOrEqual(600 + settings.concurrency * perCall);
    expect(sim.count('chat')).toBe(spent.length);

    const resumed = await resumeFlywheel(stopped.runId, { db, budget: { tokens: 1_000_000 }, remote: fleetFlywheel({ url: fleet.url }) });
    expect(resumed.stopReason).toBe('rounds');
    const { store, flywheel } = openFlywheel(db, true);
    try {
      const samples = flywheel.samples(stopped.runId, 0).filter((sample) => sample.kind === 'sample');
      expect(samples).toHaveLength(24 * 4 + 6);
      // Nothing answered before the stop was asked again, on any worker.
      const calls = flywheel.llmCalls(stopped.runId);
      expect(sim.count('chat')).toBe(calls.length);
      const sampled = calls.filter((call) => call.operator === 'sample').map((call) => call.proposal);
      expect(new Set(sampled).size).toBe(sampled.length);
    } finally {
      store.close();
    }
  }, 120_000);

  it('a controller killed with SIGKILL mid-sampling resumes on the fleet, booking every call its workers made once', async () => {
    sim = await startFineTuneSim({ seed: 6, chatLatencyMs: 150 });
    const folder = mkdtempSync(join(temp, 'kill-'));
    const db = join(folder, 'f.db');
    const file = tasksFile(folder, 30);
    const args = ['flywheel', 'run', '--source', `jsonl:${file}`, '--prompt-field', 'question', '--answer-field', 'answer'];
    const more = ['--id-field', 'id', '--model', sim.modelId('sim-base'), '--rounds', '1', '--k', '4', '--held-out', '6'];
    const fleetArgs = ['--concurrency', '6', '--export', join(folder, 'out'), '--db', db, '--fleet', fleet.url];
    const child = spawn(process.execPath, [join(ROOT, 'bin/ouro.js'), ...args, ...more, ...fleetArgs], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const runId = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`the controller ended before it could be killed:\n${stderr}`));
          return;
        }
        try {
          const { store, flywheel } = openFlywheel(db, true);
          try {
            const run = flywheel.listRuns()[0];
            if (run && flywheel.samples(run.id, 0).length >= 20) {
              clearInterval(timer);
              child.kill('SIGKILL');
              resolve(run.id);
            }
          } finally {
            store.close();
          }
        } catch {
          // The database is not there yet.
        }
      }, 20);
    });
    await new Promise((resolve) => child.once('close', resolve));
    // The workers finish the calls in flight; their replies and ledger lines wait in Redis.
    const resumed = await resumeFlywheel(runId, { db, probe: false, remote: fleetFlywheel({ url: fleet.url }) });
    expect(resumed.stopReason).toBe('rounds');
    const { store, flywheel } = openFlywheel(db, true);
    try {
      expect(flywheel.samples(runId, 0).filter((sample) => sample.kind === 'sample')).toHaveLength(24 * 4 + 6);
      const calls = flywheel.llmCalls(runId);
      const sampled = calls.filter((call) => call.operator === 'sample').map((call) => call.proposal);
      expect(new Set(sampled).size).toBe(sampled.length);
      // Every call the service answered is in the ledger once, those that ended after the kill included
      // (the start-up check is a GET of the model list, not a call).
      expect(sim.count('chat')).toBe(calls.length);
    } finally {
      store.close();
    }
  }, 120_000);

  it.skipIf(bubblewrap.missing)(
    bubblewrap.title('checks code replies in the workers’ sandboxes'),
    async () => {
      const tasks = await codingBenchSource({ only: ['digital-root', 'clamp-range', 'caesar-shift'] }).load();
      const references = new Map(tasks.map((task) => [task.prompt, task.solution as string]));
      // Even indexes get the reference, odd ones a reply that throws.
      let asked = 0;
      server = await startScriptedLlmServer({
        respond: (request) => {
          const prompt = request.messages.at(-1)?.content ?? '';
          const right = (asked++ & 1) === 0;
          return { text: right ? (references.get(prompt) ?? 'no such task') : '```js\nthrow new Error("not solved");\n```' };
        },
      });
      const folder = mkdtempSync(join(temp, 'code-'));
      const db = join(folder, 'f.db');
      const result = await startFlywheel(
        {
          ...FLYWHEEL_DEFAULTS,
          source: { kind: 'coding-bench' as const, only: ['digital-root', 'clamp-range', 'caesar-shift'] },
          model: `compat:${server.compatBaseURL}#scripted`,
          rounds: 1,
          k: 2,
          heldOut: 1,
          concurrency: 1,
          trainer: 'none',
          method: 'rest' as const,
          exportDir: join(folder, 'out'),
          pairs: [],
        },
        { db, probe: false, remote: fleetFlywheel({ url: fleet.url }) },
      );
      expect(result.stopReason).toBe('rounds');
      const { store, flywheel } = openFlywheel(db, true);
      try {
        const verdicts = flywheel.verdicts(result.runId, 0);
        const samples = flywheel.samples(result.runId, 0).filter((sample) => sample.kind === 'sample');
        expect(verdicts).toHaveLength(samples.length);
        for (const verdict of verdicts) {
          const sample = samples.find((entry) => entry.taskId === verdict.taskId && entry.index === verdict.index);
          expect(verdict.verifier).toBe('execution');
          expect(verdict.passed).toBe(!sample?.text.includes('not solved'));
        }
        expect(verdicts.some((verdict) => verdict.passed)).toBe(true);
        expect(verdicts.some((verdict) => !verdict.passed)).toBe(true);
      } finally {
        store.close();
      }
      const status = await fleetStatus(fleet.url);
      expect(status.queues.find((queue) => queue.name === 'verify')?.counts.completed).toBeGreaterThanOrEqual(3);
      expect(fleet.lines.some((line) => /verified \(job .*\.v\.0\./.test(line))).toBe(true);
    },
    120_000,
  );
});

describe('flywheel job ids', () => {
  const job = (proposal: string, model = 'compat:http://127.0.0.1:1/v1#m'): SampleJob => ({
    version: '1',
    model: { config: { id: model }, llm: {} },
    operator: 'sample',
    proposal,
    messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    temperature: 0.8,
    allowance: {},
  });

  it('gives the same call the same id, and a new model or sample a new one, with no colon', () => {
    expect(sampleJobId('f1', job('0:t1:0'))).toBe(sampleJobId('f1', job('0:t1:0')));
    expect(sampleJobId('f1', job('0:t1:1'))).not.toBe(sampleJobId('f1', job('0:t1:0')));
    expect(sampleJobId('f1', job('0:t1:0', 'compat:http://127.0.0.1:1/v1#ft:m'))).not.toBe(sampleJobId('f1', job('0:t1:0')));
    expect(sampleJobId('f1', job('0:t1:0'))).not.toContain(':');
  });
});
