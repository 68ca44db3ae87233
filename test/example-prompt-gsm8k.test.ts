/**
 * examples/prompt-gsm8k on GSM8K's real test split (read from the shared data folder, never
 * copied into the project), against a scripted model that answers from the answer key: the
 * mechanism end to end, with no claim about what a real model would score.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { scoreBestOnTest } from '../src/engine/test-split.ts';
import { gsm8kTarget } from '../src/prompt/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';

const EXAMPLE = join(import.meta.dirname, '../examples/prompt-gsm8k');
const GSM8K = join(import.meta.dirname, '../../shared/data/gsm8k-test.jsonl');
const hasData = existsSync(GSM8K);
if (!hasData) console.warn(`skipped: no GSM8K data at ${GSM8K} (the shared data folder beside the repository)`);

let server: ScriptedLlmServer | undefined;
const saved = process.env.OURO_GSM8K;
beforeAll(async () => {
  if (!hasData) return;
  const answers = new Map<string, string>();
  for (const line of readFileSync(GSM8K, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { question: string; answer: string };
    answers.set(row.question, gsm8kTarget(row));
  }
  // Right on every problem it knows while the prompt asks for the closing line; otherwise vague.
  server = await startScriptedLlmServer({
    respond: (request) => {
      const question = request.messages.at(-1)?.content ?? '';
      const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
      const answer = answers.get(question);
      if (answer === undefined) return { text: 'I cannot help with that.' };
      return { text: system.includes('The answer is N.') ? `Working it through. The answer is ${answer}.` : 'Some number, I think.' };
    },
  });
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  if (saved === undefined) delete process.env.OURO_GSM8K;
  else process.env.OURO_GSM8K = saved;
});

function copyExample(): string {
  const parent = mkdtempSync(join(tmpdir(), 'ouro-gsm8k-'));
  // In the repository the examples sit under its package.json, which makes .ts files ES modules.
  writeFileSync(join(parent, 'package.json'), '{ "type": "module" }\n');
  const dir = join(parent, 'prompt-gsm8k');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.endsWith('.jsonl') });
  return dir;
}

describe('examples/prompt-gsm8k', () => {
  it('says where to get GSM8K when the data is missing', async () => {
    process.env.OURO_GSM8K = join(tmpdir(), 'no-such-gsm8k.jsonl');
    await expect(evolve(copyExample(), { db: join(mkdtempSync(join(tmpdir(), 'ouro-gsm8k-db-')), 'x.db'), seed: 1 })).rejects.toThrow(
      /no GSM8K data at .*no-such-gsm8k\.jsonl.*grade-school-math/s,
    );
  }, 60_000);

  it.skipIf(!hasData)(
    'says it needs a model, and how to name one, when the run has none',
    async () => {
      process.env.OURO_GSM8K = GSM8K;
      await expect(evolve(copyExample(), { db: join(mkdtempSync(join(tmpdir(), 'ouro-gsm8k-db-')), 'x.db'), seed: 1 })).rejects.toThrow(
        /model.*compat:http:\/\/127\.0\.0\.1:11434\/v1#/s,
      );
    },
    60_000,
  );

  it.skipIf(!hasData)(
    'scores 50 validation problems a candidate, and the 300 sealed ones only on request',
    async () => {
      process.env.OURO_GSM8K = GSM8K;
      const db = join(mkdtempSync(join(tmpdir(), 'ouro-gsm8k-db-')), 'runs.db');
      const model = `compat:${server?.compatBaseURL}#answer-key`;
      const result = await evolve(copyExample(), { db, seed: 2, budget: { evaluations: 3 }, models: [model] });
      expect(result.evaluations).toBe(3);
      // The initial prompt asks for "The answer is N.", so the answer key gets every problem right.
      const tested = await scoreBestOnTest(result.runId, { db });
      expect(tested.searchScore).toBe(1);
      expect(tested.evaluation.metrics).toMatchObject({ accuracy: 1, testInstances: 300 });
      expect(tested.spend.calls).toBe(300);
    },
    120_000,
  );
});
