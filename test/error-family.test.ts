// One error family: model and sandbox failures are OuroErrors whose code and isRetryable say
// what failed and whether trying again may help. The errors come from the real model client
// (over HTTP, against a scripted server) and from a real isolate.
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../src/core/experiment.ts';
import { OuroError } from '../src/core/errors.ts';
import { ModelCallError } from '../src/core/model.ts';
import { SandboxError } from '../src/core/sandbox.ts';
import { createModel } from '../src/llm/client.ts';
import { resolveModel } from '../src/llm/spec.ts';
import { IsolateSandbox } from '../src/sandbox/isolate.ts';
import { toIsolateSource } from '../src/sandbox/transpile.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 64, prices: {} };
const REQUEST = { operator: 'rewrite', messages: [{ role: 'user' as const, content: 'Make it faster.' }] };

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

/** The error a model call throws when the server answers with `step`. */
async function modelFailure(step: ScriptStep, admit?: () => string | null): Promise<unknown> {
  server = await startScriptedLlmServer({ script: [step] });
  const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {});
  const model = createModel(resolved, { retry: { baseDelayMs: 1, maxDelayMs: 1 }, ...(admit ? { admit } : {}) });
  return thrown(() => model.complete(REQUEST));
}

describe('the OuroError family', () => {
  it('makes a failed model call an OuroError with a model- code, retryable for a 429 and not for a 401', async () => {
    const limited = await modelFailure({ status: 429, text: 'slow down' });
    expect(limited).toBeInstanceOf(ModelCallError);
    expect(limited).toBeInstanceOf(OuroError);
    expect(limited).toMatchObject({ kind: 'http', status: 429, code: 'model-rate-limited', isRetryable: true });

    const refused = await modelFailure({ status: 401, text: 'bad key' });
    expect(refused).toBeInstanceOf(ModelCallError);
    expect(refused).toBeInstanceOf(OuroError);
    expect(refused).toMatchObject({ kind: 'http', status: 401, code: 'model-http', isRetryable: false });

    const down = await modelFailure({ status: 503, text: 'overloaded' });
    expect(down).toMatchObject({ kind: 'http', status: 503, code: 'model-http', isRetryable: true });

    const unreadable = await modelFailure({ rawBody: '{"choices": [' });
    expect(unreadable).toMatchObject({ kind: 'bad-reply', code: 'model-bad-reply', isRetryable: false });

    const spent = await modelFailure({ text: 'unused' }, () => 'the token budget is spent');
    expect(spent).toBeInstanceOf(OuroError);
    expect(spent).toMatchObject({ kind: 'budget', code: 'model-budget', isRetryable: false });
  });

  it('makes a sandbox failure an OuroError with a sandbox- code that is not retried', async () => {
    const refused = await thrown(() => toIsolateSource('data.json', '{}'));
    expect(refused).toBeInstanceOf(SandboxError);
    expect(refused).toBeInstanceOf(OuroError);
    expect(refused).toMatchObject({ kind: 'refused', code: 'sandbox-refused', isRetryable: false });

    const sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 200 });
    try {
      const candidate = await sandbox.load({ 'spin.js': 'export function spin() { for (;;) {} }' }, 'spin.js');
      const timedOut = await thrown(() => candidate.call('spin'));
      expect(timedOut).toBeInstanceOf(SandboxError);
      expect(timedOut).toBeInstanceOf(OuroError);
      expect(timedOut).toMatchObject({ kind: 'timeout', code: 'sandbox-timeout', isRetryable: false });
    } finally {
      sandbox.dispose();
    }
  });

  it('leaves isRetryable false unless the raiser says otherwise', () => {
    expect(new OuroError('config-invalid', 'budget: not a number').isRetryable).toBe(false);
    expect(new OuroError('store-locked', 'ouro.db is locked', { isRetryable: true }).isRetryable).toBe(true);
  });
});
