import { afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../src/core/experiment.ts';
import { createNodeTestRunner } from '../src/sandbox/node-test-runner.ts';
import { selfDebug, summarizeSelfDebug } from '../src/infer/self-debug.ts';
import { createModel } from '../src/llm/client.ts';
import { resolveModel } from '../src/llm/spec.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedLlmServerOptions } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

// The runner is the real process tier: under bubblewrap where it works, otherwise (and then the
// test names say so) as a plain child process with --unsafe. Under OURO_REQUIRE_SERVICES=1 a
// missing bubblewrap fails the suite instead, so CI cannot test only the unsafe fallback.
const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const isolated = !bubblewrap.missing;
const tier = isolated ? 'bubblewrap' : `unsafe child process; ${bubblewrap.reason}`;
const runTests = createNodeTestRunner({ timeoutMs: 5_000, unsafe: !isolated });

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 512, prices: {} };
let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scriptedModel(options: ScriptedLlmServerOptions) {
  server = await startScriptedLlmServer(options);
  return createModel(resolveModel({ id: `compat:${server.compatBaseURL}#scripted` }, LLM, {}));
}

const fence = (code: string) => `Here you go:\n\`\`\`js\n${code}\n\`\`\``;
const TASK = {
  prompt: 'Export a function clamp(x, low, high) that limits x to [low, high].',
  tests: [
    "import { clamp } from './solution.mjs';",
    "test('keeps values inside', () => assert.equal(clamp(5, 0, 10), 5));",
    "test('raises low values', () => assert.equal(clamp(-3, 0, 10), 0));",
    "test('lowers high values', () => assert.equal(clamp(12, 0, 10), 10));",
  ].join('\n'),
};
const BUGGY = 'export function clamp(x, low, high) { return Math.max(x, low); }';
const FIXED = 'export function clamp(x, low, high) { return Math.min(Math.max(x, low), high); }';

describe(`selfDebug with the sandboxed node test runner (${tier})`, () => {
  it('runs the tests, feeds the failure back and passes on the second turn', async () => {
    const model = await scriptedModel({ script: [{ text: fence(BUGGY) }, { text: `The upper bound was ignored.\n${fence(FIXED)}` }] });
    const result = await selfDebug(model, TASK, { runTests, maxTurns: 3 });

    expect(result).toMatchObject({ passed: true, stopReason: 'passed', code: FIXED, passAt: [false, true, true] });
    expect(result.turns.map((turn) => turn.passed)).toEqual([false, true]);
    expect(result.turns[0]?.feedback).toMatchObject({ passed: false, passedCount: 2, total: 3 });
    expect(result.turns[0]?.feedback.output).toContain('FAIL lowers high values');
    // The repair prompt carried the code and the failing test's message.
    const repair = server?.requests[1]?.messages[0]?.content ?? '';
    expect(repair).toContain(BUGGY);
    expect(repair).toContain('FAIL lowers high values');
    expect(result.tokensToSuccess).toBe(result.cost.inputTokens + result.cost.outputTokens);
    expect(result.cost.calls).toBe(2);
  });

  it('stops at maxTurns, reports a timeout as a failure and summarises pass@t over tasks', async () => {
    const model = await scriptedModel({ respond: () => ({ text: fence('export function clamp() { for (;;) {} }') }) });
    const failed = await selfDebug(model, TASK, { runTests: createNodeTestRunner({ timeoutMs: 1_500, unsafe: !isolated }), maxTurns: 2 });
    expect(failed).toMatchObject({ passed: false, stopReason: 'max-turns', passAt: [false, false], tokensToSuccess: null });
    expect(failed.turns[0]?.feedback.output).toMatch(/timed out/);

    const solved = { ...failed, passed: true, passAt: [false, true], cost: { ...failed.cost, inputTokens: 100, outputTokens: 0 } };
    const summary = summarizeSelfDebug([{ ...failed, cost: { ...failed.cost, inputTokens: 300, outputTokens: 0 } }, solved]);
    expect(summary).toEqual({ tasks: 2, passAt: [0, 0.5], tokensPerSuccess: 400, meanTokens: 200 });
  });

  it('repairs against its own tests and checks the hidden tests for pass@t', async () => {
    const ownTests =
      "import { clamp } from './solution.mjs';\ntest('own: inside', () => assert.equal(clamp(1, 0, 2), 1));\n" +
      "test('own: high', () => assert.equal(clamp(3, 0, 2), 2));";
    const model = await scriptedModel({
      respond: (request) => {
        const prompt = request.messages[0]?.content ?? '';
        if (prompt.startsWith('Write tests')) return { text: fence(ownTests) };
        return { text: fence(prompt.startsWith('Your code') ? FIXED : BUGGY) };
      },
    });
    const result = await selfDebug(model, TASK, { runTests, selfTests: true, maxTurns: 3 });
    expect(result).toMatchObject({ passed: true, selfTests: ownTests, passAt: [false, true, true] });
    expect(result.turns[0]?.feedback.output).toContain('FAIL own: high');
    // The hidden tests never reach the model.
    expect(server?.requests.some((request) => request.messages.some((message) => message.content.includes('lowers high values')))).toBe(
      false,
    );
    expect(result.cost.calls).toBe(3);
  });

  it('refuses a task without tests, naming the option', async () => {
    await expect(selfDebug(async () => 'x', { prompt: 'p' }, { runTests })).rejects.toThrow(/task.tests or set selfTests: true/);
  });
});
