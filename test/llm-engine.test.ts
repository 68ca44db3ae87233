import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evolve, resume } from '../src/engine/evolve.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const fence = '```';

function edit(search: string, replace: string, rationale = 'move a toward 3'): string {
  return `Rationale: ${rationale}\n\n${fence}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n${fence}\n`;
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'ouro-llm-')), 'ouro.db');
}

describe('LLM operators in a run, against a scripted OpenAI-compatible server', () => {
  it('records what happens to each kind of reply: good, slightly off, outside EVOLVE, prose, truncated, 429, 500s, timeouts', async () => {
    const script: ScriptStep[] = [
      // Proposals 1-6 produce no child; each is one call (retries included).
      { text: edit('// fixed header', '// a new header') },
      { text: 'I would make a larger, as that moves the result toward the target.' },
      { rawBody: '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assi' },
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { text: 'late', delayMs: 1500 },
      { text: 'late', delayMs: 1500 },
      { text: 'late', delayMs: 1500 },
      // Proposals 7-9 produce children.
      { text: edit('  const a = 1;', '  const a = 2;') },
      { text: edit('  const b = 0.5;\n  cnst c = 2.5;', '  const b = -1;\n  const c = 2.5;', 'fix b') },
      { status: 429, headers: { 'retry-after': '0' } },
      { text: edit('  const c = 2.5;', '  const c = 1;') },
    ];
    server = await startScriptedLlmServer({ script });
    const dir = writeTinyExperiment({
      config: `operators: ['llm-diff'],
  llm: { timeoutMs: 400, attempts: 3 },
  lessons: { every: 0 },`,
    });
    const db = tempDb();
    const result = await evolve(dir, {
      db,
      seed: 7,
      concurrency: 1,
      budget: { evaluations: 4 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(4);
    expect(result.bestScore).toBeGreaterThan(-17);

    const store = new SqliteStore(db, { readonly: true });
    try {
      const calls = store.llmCalls(result.runId);
      expect(calls.map((call) => call.error?.kind ?? call.finishReason)).toEqual([
        'stop',
        'stop',
        'bad-reply',
        'http',
        'timeout',
        'stop',
        'stop',
        'stop',
      ]);
      expect(calls.map((call) => call.attempts)).toEqual([1, 1, 1, 3, 3, 1, 1, 2]);
      expect(calls[3]?.error?.status).toBe(500);
      expect(calls.every((call) => call.model === `compat:${server?.compatBaseURL}#scripted` && call.operator === 'llm-diff')).toBe(true);

      const reasons = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'failures' ? [row.failures] : []));
      expect(reasons.reduce((sum, batch) => sum + batch.count, 0)).toBe(5);
      const children = [1, 2, 3].map((seq) => store.getCandidate(`${result.runId}-${seq}`));
      expect(children.map((child) => child?.candidate.genome['solve.js']?.match(/const [abc] = [-\d.]+/g)?.join(' '))).toEqual([
        'const a = 2 const b = 0.5 const c = 2.5',
        'const a = 2 const b = -1 const c = 2.5',
        'const a = 2 const b = -1 const c = 1',
      ]);
      expect(children[1]?.candidate.origin.description).toMatch(/fuzzy/);
      expect(children[1]?.candidate.origin.rationale).toBe('fix b');
      for (const child of children) {
        expect(child?.candidate.origin.model).toBe(`compat:${server.compatBaseURL}#scripted`);
        // Each child's calls are found through its proposal id.
        expect(store.llmCalls(result.runId, child?.candidate.origin.proposal).length).toBe(1);
      }
      // Failed proposals are written as counted batches; the last reason of each batch is kept.
      const failureText = reasons.map((batch) => batch.reason).join('\n');
      expect(failureText).toMatch(/timeout/);
      // The ledger equals what the server reported.
      const tokens = calls.reduce((sum, call) => sum + call.usage.inputTokens + call.usage.outputTokens, 0);
      expect(tokens).toBe(server.usage.inputTokens + server.usage.outputTokens);
      expect(result.spend.inputTokens).toBe(server.usage.inputTokens);
    } finally {
      store.close();
    }
  });

  it('fails fast, before creating a run, when a config names an LLM operator and no model is configured', async () => {
    const dir = writeTinyExperiment({ config: "operators: ['perturb-number', 'llm-diff']," });
    const db = tempDb();
    await expect(evolve(dir, { db, seed: 1 })).rejects.toThrow(/operators names llm-diff, but no model is configured/);
    const store = new SqliteStore(db, { readonly: true });
    expect(store.listRuns()).toEqual([]);
    store.close();
  });

  it('fails fast when the model cannot be reached, naming it', async () => {
    server = await startScriptedLlmServer({});
    const url = server.compatBaseURL;
    await server.close();
    server = undefined;
    const dir = writeTinyExperiment({ config: "operators: ['llm-diff']," });
    await expect(evolve(dir, { db: tempDb(), seed: 1, models: [`compat:${url}#gone`] })).rejects.toThrow(
      /no answer from this model:\n {2}compat:.*#gone/,
    );
  });

  it('stops at the token budget, overshooting by at most the one call in flight', async () => {
    const usage = { inputTokens: 300, outputTokens: 50 };
    let n = 0;
    server = await startScriptedLlmServer({ respond: () => ({ text: edit('  const a = 1;', `  const a = ${1 + ++n / 1000};`), usage }) });
    const dir = writeTinyExperiment({ config: "operators: ['llm-diff', 'perturb-number'],\n  lessons: { every: 0 }," });
    const db = tempDb();
    const result = await evolve(dir, {
      db,
      seed: 2,
      concurrency: 1,
      budget: { evaluations: 500, tokens: 1000 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.stopReason).toBe('tokens');
    const spent = result.spend.inputTokens + result.spend.outputTokens;
    expect(spent).toBeGreaterThanOrEqual(1000);
    expect(spent).toBeLessThan(1000 + 350);
    expect(server.requests.length).toBe(Math.ceil(1000 / 350));
  });

  it('with 4 proposals in flight, overshoots the token cap by at most the 3 other calls in flight', async () => {
    const usage = { inputTokens: 300, outputTokens: 50 };
    let n = 0;
    server = await startScriptedLlmServer({
      latencyMs: 60,
      respond: () => ({ text: edit('  const a = 1;', `  const a = ${1 + ++n / 1000};`), usage }),
    });
    const dir = writeTinyExperiment({ config: "operators: ['llm-diff'],\n  lessons: { every: 0 },\n  proposal: { concurrency: 4 }," });
    const result = await evolve(dir, {
      db: tempDb(),
      seed: 3,
      concurrency: 2,
      budget: { evaluations: 500, tokens: 2000 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.stopReason).toBe('tokens');
    const spent = result.spend.inputTokens + result.spend.outputTokens;
    expect(spent).toBeGreaterThanOrEqual(2000);
    expect(spent).toBeLessThanOrEqual(2000 + 4 * 350);
    expect(server.requests.length).toBe(result.spend.calls);
  });

  it('replays a recorded run exactly, also when the replay is stopped and resumed half-way', async () => {
    const nudge = nudgeNumberResponder({ scale: 0.2 });
    server = await startScriptedLlmServer({
      respond: (request) => {
        const prompt = request.messages.map((message) => message.content).join('\n');
        return { text: prompt.includes('EVOLVE-BLOCK-START') ? nudge(prompt) : '1. Larger values of b helped.\n2. Keep c small.' };
      },
    });
    // One parent at a time, so the same prompt comes up again and again and replay must serve its replies in order.
    const dir = writeTinyExperiment({
      config: "operators: ['llm-diff', 'perturb-number', 'llm-reflect'],\n  archive: { kind: 'greedy', k: 1 },\n  lessons: { every: 0 },",
    });
    const db = tempDb();
    const recorded = await evolve(dir, {
      db,
      seed: 4,
      concurrency: 1,
      budget: { evaluations: 30 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    await server.close();
    server = undefined;

    // Stopping at several points makes it likely that a prompt straddles the stop.
    const replays: string[] = [];
    for (const stopAt of [8, 12, 16, 20]) {
      const first = await evolve(dir, { db, replay: recorded.runId, budget: { evaluations: stopAt } });
      expect(first.evaluations).toBe(stopAt);
      const resumed = await resume(first.runId, { db, budget: { evaluations: 30 } });
      expect(resumed.evaluations).toBe(30);
      replays.push(first.runId);
    }

    const store = new SqliteStore(db, { readonly: true });
    try {
      const log = (runId: string) =>
        [...store.replay(runId)].map((row) =>
          row.kind === 'candidate'
            ? [
                row.candidate.seq,
                row.candidate.origin.operator,
                row.candidate.origin.model ?? '-',
                row.state.genomeHash,
                row.evaluation.score,
                row.state.reward,
              ]
            : [row.failures.operator, row.failures.kind, row.failures.count],
        );
      const original = log(recorded.runId);
      expect(original.filter((row) => row[2] !== '-').length).toBeGreaterThanOrEqual(3);
      // Failed proposals are batched per write, so compare candidates in order and failure totals.
      const candidates = (rows: unknown[][]) => rows.filter((row) => row.length === 6);
      const failed = (rows: unknown[][]) => rows.filter((row) => row.length === 3).reduce((sum, row) => sum + (row[2] as number), 0);
      for (const runId of replays) {
        expect(candidates(log(runId))).toEqual(candidates(original));
        expect(failed(log(runId))).toBe(failed(original));
        expect(store.llmCalls(runId).length).toBe(store.llmCalls(recorded.runId).length);
      }
    } finally {
      store.close();
    }
  });

  it('rejects a near-duplicate by embedding cosine before evaluating it, and books the embedding calls', async () => {
    server = await startScriptedLlmServer({
      script: [
        { text: edit('  const b = 0.5;', '  const b = 0.6;', 'nudge b') },
        {
          text: edit(
            '  const a = 1;\n  const b = 0.5;\n  const c = 2.5;\n  return [a, b, c];',
            '  const values = [3, -2, 0.5].map((value) => value * 0.9);\n  return values;',
            'aim straight at the target',
          ),
        },
      ],
    });
    const dir = writeTinyExperiment({
      config: `operators: ['llm-diff'],
  lessons: { every: 0 },
  novelty: { threshold: 1, embeddings: 'compat:${server.compatBaseURL}#embedder', embeddingThreshold: 0.9 },`,
    });
    const db = tempDb();
    const result = await evolve(dir, {
      db,
      seed: 1,
      concurrency: 1,
      budget: { evaluations: 2 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(2);
    const store = new SqliteStore(db, { readonly: true });
    try {
      const failures = [...store.replay(result.runId)].flatMap((row) => (row.kind === 'failures' ? [row.failures] : []));
      expect(failures).toEqual([
        expect.objectContaining({
          kind: 'duplicate',
          count: 1,
          reason: expect.stringMatching(/near-duplicate of r\w+-0 \(embedding cosine 0\.9\d+\)/),
        }),
      ]);
      expect(store.getCandidate(`${result.runId}-1`)?.candidate.origin.rationale).toBe('aim straight at the target');
      const embeddingCalls = store.llmCalls(result.runId).filter((call) => call.operator === 'novelty');
      // The initial genome, the rejected child and the accepted one: three texts, each embedded once.
      expect(embeddingCalls.length).toBe(3);
      expect(embeddingCalls.every((call) => call.usage.inputTokens > 0 && call.model.endsWith('#embedder'))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('with proposal.bestOfN 3, draws three proposals per child and keeps the one least like its parent', async () => {
    server = await startScriptedLlmServer({
      script: [
        { text: edit('  const a = 1;', '  const a = 2;') },
        {
          text: edit(
            '  const a = 1;\n  const b = 0.5;\n  const c = 2.5;',
            '  const a = 3;\n  const b = -2;\n  const c = 0.5;',
            'set all three',
          ),
        },
        { text: edit('  const b = 0.5;', '  const b = 0.25;') },
      ],
    });
    const dir = writeTinyExperiment({ config: "operators: ['llm-diff'],\n  lessons: { every: 0 },\n  proposal: { bestOfN: 3 }," });
    const db = tempDb();
    const result = await evolve(dir, {
      db,
      seed: 1,
      concurrency: 1,
      budget: { evaluations: 2 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(2);
    expect(server.requests).toHaveLength(3);
    const store = new SqliteStore(db, { readonly: true });
    try {
      const child = store.getCandidate(`${result.runId}-1`)?.candidate;
      expect(child?.genome['solve.js']).toContain('const a = 3;\n  const b = -2;\n  const c = 0.5;');
      expect(child?.origin.description).toMatch(/best of 3/);
      expect(child?.origin.operator).toBe('llm-diff');
      expect(store.llmCalls(result.runId).filter((call) => call.proposal === child?.origin.proposal)).toHaveLength(3);
    } finally {
      store.close();
    }
  });
});
