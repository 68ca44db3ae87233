import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');
const ROOT = resolve(import.meta.dirname, '..');

/** Runs `ouro` without blocking this process, so the scripted server in it keeps answering. */
function ouro(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const lastJson = (text: string) => JSON.parse(text.trim().split('\n').at(-1) as string);

/** Circle packing with LLM operators, a generous timeout (a replay must not diverge on a slow machine) and frequent lessons. */
function circlePackingCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-llm-cli-')), 'circle-packing');
  cpSync(join(ROOT, 'examples/circle-packing'), dir, { recursive: true });
  // Outside this repository the folder needs its own module type, as `ouro init` writes it.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = readFileSync(join(dir, 'ouro.config.ts'), 'utf8').replace(
    'evaluation: { timeoutMs: 250, memoryMb: 256, scoreRange: { min: 0, max: 2.8768 } },',
    `evaluation: { timeoutMs: 10_000, memoryMb: 256, scoreRange: { min: 0, max: 2.8768 } },
  operators: ['llm-diff', 'llm-reflect', 'perturb-number'],
  lessons: { every: 10, max: 3 },`,
  );
  expect(config).toContain("operators: ['llm-diff'");
  writeFileSync(join(dir, 'ouro.config.ts'), config);
  return dir;
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Edits for operator prompts; a numbered list for the lessons step, whose prompt has no EVOLVE block. */
function circleResponder() {
  const nudge = nudgeNumberResponder({ scale: 0.03 });
  return (request: { messages: Array<{ role: string; content: string }> }) => {
    const prompt = request.messages
      .filter((message) => message.role === 'user')
      .map((message) => message.content)
      .join('\n');
    if (!prompt.includes('EVOLVE-BLOCK-START')) {
      return { text: '1. Small moves of row heights pay off more often than width changes.\n2. Keep every circle inside the square.' };
    }
    return { text: nudge(prompt) };
  };
}

describe('ouro run with a model, against a scripted server on 127.0.0.1', () => {
  it('books every token the server reported, and --replay reproduces the run without the server', async () => {
    server = await startScriptedLlmServer({ respond: circleResponder() });
    const dir = circlePackingCopy();
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-llm-db-')), 'ouro.db');
    const model = `compat:${server.compatBaseURL}#scripted-coder`;
    const run = await ouro(['run', dir, '--model', model, '--seed', '5', '--concurrency', '1', '--budget', '40', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result.evaluations).toBe(40);
    expect(result.spend.calls).toBe(server.requests.length);
    expect(result.spend.inputTokens).toBe(server.usage.inputTokens);
    expect(result.spend.outputTokens).toBe(server.usage.outputTokens);

    const show = await ouro(['show', result.runId, '--db', db, '--json']);
    expect(show.status, show.stderr).toBe(0);
    const shown = lastJson(show.stdout);
    expect(shown.spend.tokens).toBe(server.usage.inputTokens + server.usage.outputTokens);
    expect(Object.keys(shown.byModel)).toEqual([model]);
    expect(Object.keys(shown.byOperator)).toEqual(expect.arrayContaining(['llm-diff', 'lessons']));
    const lessons = lastJson((await ouro(['show', result.runId, '--lessons', '--db', db, '--json'])).stdout);
    expect(lessons.length).toBe(4);
    expect(lessons[0]).toMatchObject({
      evaluations: 10,
      source: `llm:${model}`,
      lessons: [expect.stringContaining('row heights'), expect.any(String)],
    });

    await server.close();
    server = undefined;
    const replay = await ouro(['run', '--replay', result.runId, '--db', db, '--json']);
    expect(replay.status, replay.stderr).toBe(0);
    const replayed = lastJson(replay.stdout);
    expect(replayed.runId).not.toBe(result.runId);
    expect(replayed.evaluations).toBe(40);
    expect(replayed.bestScore).toBe(result.bestScore);
    expect(replayed.spend).toEqual(result.spend);

    const raw = new Database(db, { readonly: true });
    const rows = (runId: string) =>
      raw
        .prepare(`SELECT c.seq, c.operator, c.model, c.genome_hash, e.status, e.score
      FROM candidates c JOIN evaluations e ON e.candidate_id = c.id WHERE c.run_id = ? ORDER BY c.seq`)
        .all(runId);
    const original = rows(result.runId) as Array<{ model: string | null }>;
    expect(original.filter((row) => row.model === model).length).toBeGreaterThan(5);
    expect(rows(replayed.runId)).toEqual(original);
    raw.close();
  });

  it('holds a money cap: the run stops once the cap is spent, over it by at most one call', async () => {
    const usage = { inputTokens: 2000, outputTokens: 500 };
    const respond = circleResponder();
    server = await startScriptedLlmServer({ respond: (request) => ({ ...respond(request), usage }) });
    const dir = circlePackingCopy();
    writeFileSync(
      join(dir, 'ouro.config.ts'),
      readFileSync(join(dir, 'ouro.config.ts'), 'utf8').replace(
        'lessons: { every: 10, max: 3 },',
        `lessons: { every: 0 },
  llm: { prices: { 'compat:${server.compatBaseURL}#priced': { input: 2, output: 8 } } },`,
      ),
    );
    // One call costs 2000 * $2/M + 500 * $8/M = $0.008.
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-llm-db-')), 'ouro.db');
    const run = await ouro([
      'run',
      dir,
      '--model',
      `compat:${server.compatBaseURL}#priced`,
      '--seed',
      '1',
      '--concurrency',
      '1',
      '--budget',
      '5000,$0.03',
      '--db',
      db,
      '--json',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result.stopReason).toBe('cost');
    expect(result.spend.calls).toBe(4);
    expect(result.spend.costUsd).toBeCloseTo(0.032, 10);
    expect(server.requests.length).toBe(4);
  });

  it('models check says which models are configured, whether each answers, and what one call costs', async () => {
    server = await startScriptedLlmServer({ respond: () => ({ text: 'OK', usage: { inputTokens: 1000, outputTokens: 1000 } }) });
    const dir = circlePackingCopy();
    writeFileSync(
      join(dir, 'ouro.config.ts'),
      readFileSync(join(dir, 'ouro.config.ts'), 'utf8').replace(
        'lessons: { every: 10, max: 3 },',
        `lessons: { every: 10, max: 3 },
  models: [{ id: 'compat:${server.compatBaseURL}#good', price: { input: 1, output: 3 } }, 'compat:http://127.0.0.1:9/v1#down', ` +
          `'openai:gpt-4.1-mini'],`,
      ),
    );
    const check = await ouro(['models', 'check', dir, '--json']);
    expect(check.status).toBe(1);
    const rows = lastJson(check.stdout) as Array<{
      id: string;
      configured: boolean;
      answered: boolean;
      costUsd?: number;
      error?: string;
      reply?: string;
    }>;
    expect(rows.map((row) => [row.id.split('#').at(-1), row.configured, row.answered])).toEqual([
      ['good', true, true],
      ['down', true, false],
      ['openai:gpt-4.1-mini', false, false],
    ]);
    expect(rows[0]?.costUsd).toBeCloseTo(0.004, 10);
    expect(rows[0]?.reply).toBe('OK');
    expect(rows[1]?.error).toMatch(/127\.0\.0\.1:9/);
    expect(rows[2]?.error).toMatch(/OPENAI_API_KEY/);
    const text = await ouro(['models', 'check', '--model', `compat:${server.compatBaseURL}#good`]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/#good\s+not needed\s+yes/);
  });
});
