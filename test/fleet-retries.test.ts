// Fleet retries follow the error's isRetryable, against a real redis-server and real worker
// processes: a job that failed for a reason that will not pass fails at once, on its first
// attempt; one that may pass on another try (or another worker) gets its attempts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentSchema, type LlmConfig } from '../src/core/experiment.ts';
import type { RemoteProposalRequest } from '../src/core/operator.ts';
import { FleetEvaluator } from '../src/fleet/evaluator.ts';
import { startLocalFleet, type LocalFleet } from '../src/fleet/local-fleet.ts';
import { FleetProposer } from '../src/fleet/proposer.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { probes, requireService } from './support/services.ts';

const redis = await requireService('redis-server', probes.redis);

const GENOME = { 'solve.js': '// EVOLVE-BLOCK-START\nexport function solve() { return [3, -2, 0.25]; }\n// EVOLVE-BLOCK-END\n' };

/** A proposal request for `operator` with one parent; `model` names one of the setup's models. */
function request(operator: string, proposal: string, model?: string): RemoteProposalRequest {
  return {
    operator,
    proposal,
    seed: 7,
    inspirations: [],
    lessons: [],
    allowance: {},
    parents: [
      { entry: { id: 'rretry-0', seq: 0, score: -1, island: 0, generation: 0, parentIds: [], features: {} }, genome: GENOME, feedback: '' },
    ],
    ...(model ? { model } : {}),
  };
}

describe.skipIf(redis.missing)(redis.title('fleet retries follow isRetryable'), () => {
  let fleet: LocalFleet;
  let proposer: FleetProposer;
  const temp = mkdtempSync(join(tmpdir(), 'ouro-fleet-retries-'));
  const llm = experimentSchema.shape.llm.parse({}) as LlmConfig;
  // A model whose key is in no worker's environment: every worker fails the job before any network call.
  const keyless = { id: 'compat:http://127.0.0.1:9/v1#keyless', apiKeyEnv: 'OURO_TEST_KEY_NOBODY_HAS' };

  beforeAll(async () => {
    fleet = await startLocalFleet({ workers: 2, cacheDir: join(temp, 'cache'), env: { OURO_TEST_KEY_NOBODY_HAS: '' } });
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'propose-')) });
    proposer = await FleetProposer.start({ url: fleet.url, runId: 'rretry', experimentDir: dir, models: [keyless], llm });
  });
  afterAll(async () => {
    await proposer?.close();
    await fleet?.close();
  });

  it('fails a propose job on its first attempt when the error cannot pass (an unknown operator)', async () => {
    const { result } = await proposer.propose(request('no-such-operator', 'unknown-op'));
    expect('failure' in result && result.failure).toMatch(/unknown operator "no-such-operator"/);
    expect('failure' in result && result.failure).toMatch(/after 1 attempt\(s\)/);
  });

  it('retries a propose job whose error may pass on another worker (a missing model key)', async () => {
    const { result } = await proposer.propose(request('llm-diff', 'no-key', keyless.id));
    expect('failure' in result && result.failure).toMatch(/OURO_TEST_KEY_NOBODY_HAS/);
    expect('failure' in result && result.failure).toMatch(/after 3 attempt\(s\)/);
  });

  it('fails an evaluate job on its first attempt when the evaluator cannot load', async () => {
    const broken =
      'throw new Error("this evaluator is broken on purpose");\nexport default async function evaluate() { return { score: 0 }; }\n';
    const dir = writeTinyExperiment({ parent: mkdtempSync(join(temp, 'broken-')), evaluator: broken });
    const evaluator = await FleetEvaluator.start({
      url: fleet.url,
      evaluatorFile: join(dir, 'evaluate.js'),
      experimentDir: dir,
      options: {},
      concurrency: 1,
      timeoutMs: 5000,
      memoryMb: 128,
    });
    try {
      const evaluation = await evaluator.evaluate('rbroken-1', GENOME);
      expect(evaluation.status).toBe('error');
      expect(evaluation.error).toMatch(/broken on purpose/);
      expect(evaluation.error).toMatch(/after 1 attempt\(s\)/);
    } finally {
      await evaluator.close();
    }
  });
});
