import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

/** A folder for an experiment whose genome is a program run under bubblewrap. */
function agentExperiment(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-agent-')), 'agent');
  mkdirSync(dir, { recursive: true });
  return dir;
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  delete process.env.OURO_AGENT_TEST_KEY;
});

describe('the process tier in a run', () => {
  it.skipIf(bubblewrap.missing)(
    bubblewrap.title("runs a program candidate under bubblewrap; it reaches the run's model only through the broker"),
    async () => {
      server = await startScriptedLlmServer({ respond: () => ({ text: 'forty-two', usage: { inputTokens: 20, outputTokens: 3 } }) });
      process.env.OURO_AGENT_TEST_KEY = 'sk-agent-secret-987';
      // A Node "agent" that asks the run's model a question through the broker.
      const dir = agentExperiment();
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
      writeFileSync(
        join(dir, 'agent.mjs'),
        `import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
// EVOLVE-BLOCK-START
const question = 'What is six times seven?';
const tries = 1;
// EVOLVE-BLOCK-END
const body = JSON.stringify({ messages: [{ role: 'user', content: question }] });
const reply = await new Promise((done, fail) => {
  const call = request({ socketPath: process.env.OURO_BROKER_SOCKET, path: '/v1/chat/completions', method: 'POST',
    headers: { 'content-type': 'application/json' } }, (response) => {
    let text = '';
    response.on('data', (chunk) => (text += chunk));
    response.on('end', () => done(text));
  });
  call.on('error', fail);
  call.end(body);
});
writeFileSync('answer.json', reply);
process.stdout.write(JSON.stringify(process.env));
`,
      );
      writeFileSync(
        join(dir, 'evaluate.js'),
        `export default async function evaluate(genome, context) {
  const result = await context.run(['node', 'agent.mjs'], { collect: ['answer.json'], timeoutMs: 20000 });
  if (result.exitCode !== 0) throw new Error('agent failed: ' + result.stderr.slice(0, 500));
  const answer = JSON.parse(result.collected['answer.json'] ?? '{}');
  const text = answer.choices?.[0]?.message?.content ?? '';
  return { score: text === 'forty-two' ? 1 : 0, feedback: result.stdout };
}
`,
      );
      writeFileSync(
        join(dir, 'ouro.config.ts'),
        `export default {
  name: 'agent', genome: ['agent.mjs'], evaluator: 'evaluate.js', operators: ['perturb-number'],
  models: [{ id: 'compat:${server.compatBaseURL}#scripted', apiKeyEnv: 'OURO_AGENT_TEST_KEY' }],
  lessons: { every: 0 },
  evaluation: { timeoutMs: 30000, memoryMb: 256, concurrency: 1 },
};
`,
      );
      const db = join(mkdtempSync(join(tmpdir(), 'ouro-agent-db-')), 'ouro.db');
      const result = await evolve(dir, { db, seed: 1, budget: { evaluations: 2 } });
      expect(result.evaluations).toBe(2);
      expect(result.bestScore).toBe(1);
      const store = new SqliteStore(db, { readonly: true });
      try {
        const initial = store.getCandidate(`${result.runId}-0`);
        // The agent printed its whole environment: no key and no provider address reached it.
        const env = JSON.parse(initial?.evaluation.feedback ?? '{}') as Record<string, string>;
        expect(env.OURO_BROKER_SOCKET).toBeDefined();
        expect(JSON.stringify(env)).not.toContain('sk-agent-secret-987');
        expect(JSON.stringify(env)).not.toContain(String(new URL(server.url).port));
        // The agent's calls are in the run's ledger, booked under operator `agent`.
        const calls = store.llmCalls(result.runId).filter((call) => call.operator === 'agent');
        expect(calls.length).toBe(2);
        expect(calls[0]?.usage).toEqual({ inputTokens: 20, outputTokens: 3 });
      } finally {
        store.close();
      }
    },
  );
});
