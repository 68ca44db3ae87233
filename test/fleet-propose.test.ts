// Proposals on the fleet: model operators run on worker processes, which call a scripted model
// server themselves; every call must land in the controller's store and ledger exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evolve, type EvolveOptions } from '../src/engine/evolve.ts';
import { fleetEvaluators } from '../src/fleet/evaluator.ts';
import { startLocalFleet, type LocalFleet, type SpawnedWorker } from '../src/fleet/local-fleet.ts';
import { fleetProposals } from '../src/fleet/proposer.ts';
import { fleetStatus } from '../src/fleet/status.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { probes, requireService } from './support/services.ts';

const redis = await requireService('redis-server', probes.redis);

const CONFIG = "operators: ['llm-diff'],\n  lessons: { every: 0 },\n  proposal: { concurrency: 2 },";

/** A model server whose replies nudge one number of the prompt's EVOLVE block, after `delayMs`. */
function nudgingServer(delayMs: number): Promise<ScriptedLlmServer> {
  const nudge = nudgeNumberResponder({ scale: 0.2 });
  return startScriptedLlmServer({
    respond: (request) => ({ text: nudge(request.messages.map((message) => message.content).join('\n')), delayMs }),
  });
}

function fleetOptions(url: string): Pick<EvolveOptions, 'evaluators' | 'proposals'> {
  return { evaluators: fleetEvaluators(url), proposals: fleetProposals(url) };
}

describe.skipIf(redis.missing)(redis.title('proposals on the fleet'), () => {
  let fleet: LocalFleet;
  let server: ScriptedLlmServer | undefined;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-fleet-propose-'));

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 2, cacheDir: join(temp, 'cache'), env: { OURO_FLEET_LOCK_MS: '3000' } });
  });
  afterAll(async () => {
    await fleet?.close();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('runs a model operator on the workers and books each of their model calls once, under its proposal', async () => {
    server = await nudgingServer(50);
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'happy-')), config: CONFIG });
    const db = join(temp, 'happy.db');
    const result = await evolve(dir, {
      db,
      seed: 2,
      concurrency: 2,
      budget: { evaluations: 8 },
      models: [`compat:${server.compatBaseURL}#scripted`],
      ...fleetOptions(fleet.url),
    });
    expect(result.evaluations).toBe(8);
    const store = new SqliteStore(db, { readonly: true });
    try {
      const calls = store.llmCalls(result.runId);
      // Every request the model server saw is in the run's store, once: none lost, none doubled.
      expect(calls).toHaveLength(server.requests.length);
      expect(result.spend.calls).toBe(calls.length);
      const children = [...Array(7).keys()].map((index) => store.getCandidate(`${result.runId}-${index + 1}`)?.candidate);
      for (const child of children) {
        expect(child?.origin.operator).toBe('llm-diff');
        expect(child?.origin.model).toBe(`compat:${server.compatBaseURL}#scripted`);
        // The child's own call is recorded under its proposal id.
        expect(calls.filter((call) => call.proposal === child?.origin.proposal)).toHaveLength(1);
      }
    } finally {
      store.close();
    }
    // The workers proposed (the controller never called the model itself: its calls would carry no worker line).
    expect(fleet.lines.filter((line) => /propose with llm-diff/.test(line)).length).toBeGreaterThanOrEqual(7);
    const status = await fleetStatus(fleet.url);
    expect(status.workers.every((worker) => worker.roles.join(',') === 'evaluate,propose,sample,verify')).toBe(true);
    expect(status.queues.find((queue) => queue.name === 'propose')?.counts.completed).toBeGreaterThanOrEqual(7);
  });

  it('stops at the token budget with every worker call counted against it', async () => {
    server = await nudgingServer(0);
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'tokens-')), config: CONFIG });
    const result = await evolve(dir, {
      db: join(temp, 'tokens.db'),
      seed: 3,
      concurrency: 2,
      budget: { evaluations: 200, tokens: 3000 },
      models: [`compat:${server.compatBaseURL}#scripted`],
      ...fleetOptions(fleet.url),
    });
    expect(result.stopReason).toBe('tokens');
    expect(result.evaluations).toBeLessThan(200);
    const spent = result.spend.inputTokens + result.spend.outputTokens;
    expect(spent).toBeGreaterThanOrEqual(3000);
    // Two proposals may each make one call past the line: the overshoot of two concurrent proposals.
    const perCall = spent / result.spend.calls;
    expect(spent).toBeLessThanOrEqual(3000 + 2 * perCall + 1);
    expect(server.requests.length).toBe(result.spend.calls);
  });

  it('retries a proposal whose worker is killed with -9 while it waits on the model, and the run completes', async () => {
    let victim: SpawnedWorker | undefined;
    const listener = (line: string, worker: SpawnedWorker): void => {
      if (!victim && /propose with llm-diff/.test(line)) {
        victim = worker;
        worker.child.kill('SIGKILL');
      }
    };
    fleet.onLine.add(listener);
    server = await nudgingServer(400);
    try {
      const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'kill-')), config: CONFIG });
      const db = join(temp, 'kill.db');
      const result = await evolve(dir, {
        db,
        seed: 4,
        concurrency: 2,
        budget: { evaluations: 6 },
        models: [`compat:${server.compatBaseURL}#scripted`],
        ...fleetOptions(fleet.url),
      });
      expect(victim).toBeDefined();
      expect(result.evaluations).toBe(6);
      const store = new SqliteStore(db, { readonly: true });
      try {
        const seqs = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'candidate' ? [row.candidate.seq] : []));
        expect(seqs.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
        // A call cut off by the kill never returned, so no worker could report it: at most that one is missing.
        const calls = store.llmCalls(result.runId).length;
        expect(server.requests.length - calls).toBeGreaterThanOrEqual(0);
        expect(server.requests.length - calls).toBeLessThanOrEqual(1);
      } finally {
        store.close();
      }
    } finally {
      fleet.onLine.delete(listener);
    }
    await fleet.ready();
  });
});
