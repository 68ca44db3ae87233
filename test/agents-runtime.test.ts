import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRunner } from '../src/agents/agent.ts';
import type { LlmConfig } from '../src/core/experiment.ts';
import type { ModelHandle } from '../src/core/model.ts';
import { loadAgentDir } from '../src/agents/runtime/load-agent.ts';
import { createAgentRunner } from '../src/agents/runtime/runner.ts';
import { gradeTask } from '../src/agents/coding-bench/grade.ts';
import { loadBenchmark, workspaceOf, type CodingTask } from '../src/agents/coding-bench/tasks.ts';
import { createModel, Ledger, resolveModel } from '../src/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

const ROOT = resolve(import.meta.dirname, '..');
const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 512, prices: {} };
const KEY = 'sk-agent-runtime-secret-4242';

let server: ScriptedLlmServer | undefined;
let runner: AgentRunner | undefined;
afterEach(async () => {
  await runner?.close();
  await server?.close();
  runner = undefined;
  server = undefined;
});

/** A runner whose one model is a real handle on a scripted server, optionally capped at `tokenCap` tokens. */
async function setup(
  script: ScriptStep[],
  tokenCap?: number,
): Promise<{ runner: AgentRunner; server: ScriptedLlmServer; model: ModelHandle }> {
  server = await startScriptedLlmServer({ script, respond: () => ({ text: 'DONE', usage: { inputTokens: 10, outputTokens: 1 } }) });
  const ledger = new Ledger();
  const resolved = resolveModel({ id: `compat:${server.compatBaseURL}#scripted`, apiKeyEnv: 'OURO_TEST_AGENT_KEY' }, LLM, {
    OURO_TEST_AGENT_KEY: KEY,
  });
  const model = createModel(resolved, {
    onExchange: (exchange) => ledger.record(exchange),
    ...(tokenCap === undefined
      ? {}
      : { admit: () => (ledger.exceeded({ tokens: tokenCap }) ? `the token budget (${tokenCap}) is spent` : null) }),
  });
  runner = createAgentRunner({ models: new Map([[model.id, model]]), defaultModel: model.id });
  return { runner, server, model };
}

const usage = { inputTokens: 100, outputTokens: 20 };

describe('the agent runtime', () => {
  let clamp: CodingTask;
  beforeAll(() => {
    clamp = loadBenchmark(join(ROOT, 'benchmarks/coding')).tasks.find((task) => task.id === 'clamp-range') as CodingTask;
  });

  it(bubblewrap.title('the initial agent solves clamp-range with scripted replies, and the hidden tests pass'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    const solution = [
      'export function clamp(value, low, high) {',
      "  if ([value, low, high].some(Number.isNaN)) throw new TypeError('NaN');",
      "  if (low > high) throw new RangeError('low > high');",
      '  return Math.min(high, Math.max(low, value));',
      '}',
    ].join('\n');
    const { runner: agents, server: llm } = await setup([
      { text: 'Let me look.\n```bash\nls && cat solution.js\n```', usage },
      {
        text:
          `Now the fix.\n\`\`\`edit replace solution.js\n<<<<<<< SEARCH\nexport function clamp(value, low, high) {\n` +
          `  throw new Error('not implemented');\n}\n=======\n${solution}\n>>>>>>> REPLACE\n\`\`\``,
        usage,
      },
      { text: "Check it.\n```bash\nnode -e \"import('./solution.js').then((m) => console.log('clamp', m.clamp(42, 0, 10)))\"\n```", usage },
      { text: 'DONE', usage },
    ]);
    const stub = await gradeTask(clamp, clamp.stub);
    expect(stub.status).toBe('unresolved');

    const result = await agents.run({
      agent: loadAgentDir(join(ROOT, 'agents/initial')),
      workspace: workspaceOf(clamp),
      problem: clamp.statement,
      timeoutMs: 20_000,
    });

    expect(result.status, result.reason).toBe('done');
    expect(result.workspace['solution.js']).toContain('Math.min(high, Math.max(low, value))');
    expect(result.workspace['STATEMENT.md']).toBe(clamp.statement);
    // The tools ran inside the sandbox and their output went back to the model.
    expect(llm.requests[1]?.messages.at(-1)?.content).toContain("throw new Error('not implemented')");
    expect(llm.requests[3]?.messages.at(-1)?.content).toContain('clamp 10');
    expect(llm.requests[0]?.messages.at(-1)?.content).toContain('Clamp a number into a range');
    expect(result.calls).toBe(4);
    expect(result.tokens).toBe(4 * 120);
    expect(result.violations).toEqual([]);
    const graded = await gradeTask(clamp, { 'solution.js': result.workspace['solution.js'] as string });
    expect(graded.status, graded.output).toBe('resolved');
  });

  it(bubblewrap.title('an agent that loops forever gets timeout, with its workspace and log, and the next run works'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    const { runner: agents } = await setup([]);
    const looping = {
      'agent.mjs':
        "import { writeFileSync } from 'node:fs';\nwriteFileSync('progress.txt', 'started');\nconsole.log('looping');\nfor (;;) {}\n",
    };
    const stuck = await agents.run({ agent: looping, workspace: { 'a.txt': 'a' }, problem: 'never ends', timeoutMs: 1_500 });
    expect(stuck.status).toBe('timeout');
    expect(stuck.reason).toMatch(/1500 ms/);
    expect(stuck.workspace).toEqual({ 'a.txt': 'a', 'progress.txt': 'started' });
    expect(stuck.log).toContain('looping');

    const fine = {
      'agent.mjs':
        "import { readFileSync, writeFileSync } from 'node:fs';\n" +
        "writeFileSync('out.txt', readFileSync(process.env.OURO_PROBLEM_FILE, 'utf8').toUpperCase());\n",
    };
    const next = await agents.run({ agent: fine, workspace: {}, problem: 'shout', timeoutMs: 10_000 });
    expect(next.status, next.reason).toBe('done');
    expect(next.workspace).toEqual({ 'out.txt': 'SHOUT' });
  });

  it(bubblewrap.title('an aborted run stops the agent early and ends as error with the reason'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    const { runner: agents } = await setup([]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const result = await agents.run({
      agent: { 'agent.mjs': 'setInterval(() => {}, 1000);\n' },
      workspace: { 'a.txt': 'a' },
      problem: 'wait',
      timeoutMs: 20_000,
      signal: controller.signal,
    });
    expect(result.status).toBe('error');
    expect(result.reason).toMatch(/aborted/);
    expect(result.workspace).toEqual({ 'a.txt': 'a' });
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it(bubblewrap.title('a budget spent mid-task ends the run with status budget and the reason'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    // The first call spends the 100-token budget; the second is refused by the broker with 429.
    const { runner: agents, server: llm } = await setup(
      [
        { text: '```bash\necho first > first.txt\n```', usage: { inputTokens: 150, outputTokens: 10 } },
        { text: 'never sent', usage },
      ],
      100,
    );
    const result = await agents.run({
      agent: loadAgentDir(join(ROOT, 'agents/initial')),
      workspace: { 'notes.md': 'x' },
      problem: 'write two files',
      timeoutMs: 20_000,
    });
    expect(result.status).toBe('budget');
    expect(result.reason).toMatch(/budget was spent.*token budget \(100\) is spent/);
    expect(result.workspace['first.txt']).toBe('first\n');
    expect(result.calls).toBe(1);
    expect(result.tokens).toBe(160);
    expect(llm.requests).toHaveLength(1);
    expect(result.log).toMatch(/budget is spent; stopping/);
  });

  it(bubblewrap.title('a budget-refused agent that ignores the refusal is stopped and still reported as budget'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    const { runner: agents } = await setup([], 0);
    const stubborn = {
      'agent.mjs':
        `import { request } from 'node:http';
const call = () => new Promise((done) => { const r = request({ socketPath: process.env.OURO_BROKER_SOCKET, ` +
        `path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); ` +
        `res.on('end', () => done(res.statusCode)); }); r.end(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })); });
console.log('status', await call());
setInterval(() => {}, 1000);
`,
    };
    const result = await agents.run({ agent: stubborn, workspace: {}, problem: 'spend', timeoutMs: 20_000 });
    expect(result.status).toBe('budget');
    expect(result.log).toContain('status 429');
    expect(result.durationMs).toBeLessThan(15_000);
  });

  it(bubblewrap.title(
    'a crashing agent gets error with its exit code and log tail; symlinks, binaries and oversized files are not read back',
  ), { timeout: 30_000, skip: bubblewrap.missing }, async () => {
    const { runner: agents } = await setup([]);
    const messy = {
      'agent.mjs': `import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
mkdirSync('deep/er', { recursive: true });
writeFileSync('deep/er/kept.txt', 'kept');
symlinkSync('/etc/passwd', 'passwd-link');
symlinkSync('kept.txt', 'deep/er/inside-link');
writeFileSync('blob.bin', Buffer.from([0, 1, 2, 255]));
writeFileSync('huge.txt', 'x'.repeat(300 * 1024));
unlinkSync('gone.txt');
console.error('about to fail');
throw new Error('agent crashed on purpose');
`,
    };
    const result = await agents.run({
      agent: messy,
      workspace: { 'gone.txt': 'bye', 'stay.txt': 'hello' },
      problem: 'crash',
      timeoutMs: 10_000,
    });
    expect(result.status).toBe('error');
    expect(result.reason).toMatch(/exited with code 1/);
    expect(result.reason).toContain('agent crashed on purpose');
    expect(result.workspace).toEqual({ 'deep/er/kept.txt': 'kept', 'stay.txt': 'hello' });
    expect(result.log).toMatch(
      new RegExp(
        'not read back from the workspace: .*blob\\.bin \\(binary\\).*deep\\/er\\/inside-link \\(symbolic link\\)' +
          '.*huge\\.txt \\(307200 bytes, over 262144\\).*passwd-link \\(symbolic link\\)',
      ),
    );
  });

  it('an agent without agent.mjs gets a clear error naming the entry point, before anything runs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ouro-agent-empty-'));
    try {
      writeFileSync(join(folder, 'main.mjs'), 'console.log(1)');
      expect(() => loadAgentDir(folder)).toThrow(
        new RegExp(
          `agent folder ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the agent has no entry point agent\\.mjs \\(it has main\\.mjs\\)`,
        ),
      );
      expect(() => loadAgentDir(join(folder, 'nowhere'))).toThrow(/agent folder .*nowhere does not exist/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const agents = createAgentRunner({ models: new Map(), defaultModel: 'none' });
    await expect(agents.run({ agent: { 'main.mjs': 'x' }, workspace: {}, problem: 'p', timeoutMs: 1000 })).rejects.toThrow(
      /no entry point agent\.mjs/,
    );
    await agents.close();
  });

  it(bubblewrap.title('keys and provider addresses never enter the sandbox'), { timeout: 30_000, skip: bubblewrap.missing }, async () => {
    const { runner: agents, server: llm } = await setup([]);
    process.env.OURO_TEST_AGENT_KEY = KEY;
    try {
      const nosy = {
        'agent.mjs':
          "import { readFileSync } from 'node:fs';\nconsole.log(JSON.stringify(process.env));\n" +
          "try { console.log(readFileSync('/proc/1/environ', 'utf8')); } catch (error) { console.log(error.code); }\n",
      };
      const result = await agents.run({ agent: nosy, workspace: {}, problem: 'look around', timeoutMs: 10_000 });
      expect(result.status, result.reason).toBe('done');
      const env = JSON.parse(result.log.split('\n')[0] as string) as Record<string, string>;
      expect(env.OURO_BROKER_SOCKET).toBeDefined();
      expect(env.OURO_WORKSPACE).toBeDefined();
      expect(env.OURO_TEST_AGENT_KEY).toBeUndefined();
      expect(result.log).not.toContain(KEY);
      expect(result.log).not.toContain(llm.url);
    } finally {
      delete process.env.OURO_TEST_AGENT_KEY;
    }
  });

  it(bubblewrap.title('network connection attempts fail inside the sandbox and are recorded as violations'), {
    timeout: 30_000,
    skip: bubblewrap.missing,
  }, async () => {
    const { runner: agents, server: llm } = await setup([]);
    const port = new URL(llm.url).port;
    const escaping = {
      'agent.mjs':
        `import net from 'node:net';
import dns from 'node:dns/promises';
const attempt = (host, port) => new Promise((done) => { const socket = net.connect({ host, port }); socket.on('connect', ` +
        `() => { socket.destroy(); done('connected'); }); socket.on('error', (error) => done(error.code)); });
console.log('outside', await attempt('1.1.1.1', 443));
console.log('host service', await attempt('127.0.0.1', ${port}));
console.log('dns', await dns.lookup('example.com').then(() => 'resolved', (error) => error.code));
`,
    };
    const result = await agents.run({ agent: escaping, workspace: {}, problem: 'phone home', timeoutMs: 15_000 });
    expect(result.status, result.reason).toBe('done');
    expect(result.log).toMatch(/outside (ENETUNREACH|EHOSTUNREACH)/);
    expect(result.log).toContain('host service ECONNREFUSED');
    expect(result.log).not.toContain('resolved');
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/1 attempt\(s\) to reach an address outside the sandbox/),
        expect.stringMatching(/refused TCP connection/),
        expect.stringMatching(/DNS lookups/),
      ]),
    );

    const quiet = await agents.run({
      agent: { 'agent.mjs': "console.log('hello')\n" },
      workspace: {},
      problem: 'nothing',
      timeoutMs: 10_000,
    });
    expect(quiet.violations).toEqual([]);
  });
});
