import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAgentsStop } from '../src/cli/commands/agents-stop.ts';
import { reportError } from '../src/cli/output.ts';
import type { ModelHandle } from '../src/core/model.ts';
import type { Budget } from '../src/core/budget.ts';
import { runStop, SEED_IMPROVER_FILE } from '../src/agents/stop/loop.ts';
import type { StopReport } from '../src/agents/stop/report.ts';
import { metaUtility, sortingNetworkTask, tspTask, type StopTask } from '../src/agents/stop/index.ts';
import { openRunModels, type RunModels } from '../src/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptStep } from '../src/testing/scripted-llm-server.ts';

const fence = '```';
const SEED = readFileSync(SEED_IMPROVER_FILE, 'utf8');
const LLM = { timeoutMs: 2_000, attempts: 1, maxOutputTokens: 4096, prices: {} };
const FAST = { memoryMb: 64, cpuMs: 300, wallMs: 5_000 };

const BATCHER = `export function network() {
  return [[0,1],[2,3],[4,5],[6,7],[0,2],[1,3],[4,6],[5,7],[1,2],[5,6],[0,4],[3,7],[1,5],[2,6],[1,4],[3,6],[2,4],[3,5],[3,4]];
}`;
const NEAREST =
  `export function tour(points) {
  const d = (a, b) => Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
  const order = [0]; const left = new Set(points.keys()); left.delete(0);
  while (left.size) { let best; for (const i of left) if (best === undefined || d(order.at(-1), i) < d(order.at(-1), best)) best = i; ` +
  `order.push(best); left.delete(best); }
  return order;
}`;
const TWO_OPT = NEAREST.replace(
  '  return order;',
  `  for (let changed = true; changed;) { changed = false;
    for (let i = 1; i < order.length - 1; i++) for (let j = i + 1; j < order.length; j++) {
      const a = order[i - 1], b = order[i], c = order[j], e = order[(j + 1) % order.length];
      if (d(a, c) + d(b, e) < d(a, b) + d(c, e) - 1e-12) { order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse()); changed = true; }
    } }
  return order;`,
);
/** The seed with a sharper prompt: in this scripted world, the model answers it with better programs. */
const SHARP = SEED.replace('Improve the following JavaScript module', 'STRATEGY:sharp Improve the following JavaScript module');
const LOOPING = 'export async function improve(program) { for (;;) {} }';
const THROWING = `export async function improve() { throw new Error('this improver is broken'); }`;
const NUMBER = 'export async function improve() { return 42; }';

const program = (text: string): string => `Here you go.\n${fence}javascript\n${text}\n${fence}\n`;

/** Replies by what the prompt asks for; `selfReplies` answer, in order, prompts to improve an improver. */
function responder(selfReplies: string[]) {
  return (prompt: string): ScriptStep => {
    const usage = { inputTokens: 100, outputTokens: 100 };
    if (prompt.includes('function improve(')) return { text: program(selfReplies.shift() ?? SEED), usage };
    if (prompt.includes('function network(')) return { text: program(BATCHER), usage };
    if (prompt.includes('function tour(')) return { text: program(prompt.includes('STRATEGY:sharp') ? TWO_OPT : NEAREST), usage };
    return { text: 'I have no better idea.', usage };
  };
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The run's models, as STOP opens them, over a scripted server that answers by `responder`. */
async function scriptedModel(selfReplies: string[] = [], budget: Pick<Budget, 'tokens' | 'costUsd'> = {}): Promise<RunModels> {
  const respond = responder(selfReplies);
  server = await startScriptedLlmServer({ respond: (request) => respond(request.messages.map((message) => message.content).join('\n')) });
  return openRunModels({ configs: [{ id: `compat:${server.compatBaseURL}#scripted` }], llm: LLM, budget, env: {} });
}

const llmOf = (models: RunModels) => async (prompt: string, signal: AbortSignal) => {
  const model = models.handles.get(models.ids[0]!) as ModelHandle;
  return (await model.complete({ operator: 'test', messages: [{ role: 'user', content: prompt }], signal })).text;
};

/** A task whose utility records, on the host, every program it scores. */
function recorded(task: StopTask, log: unknown[]): StopTask {
  return {
    ...task,
    score: (output) => {
      log.push(output);
      return task.score(output);
    },
  };
}

const tasks = (): StopTask[] => [sortingNetworkTask(), tspTask()];

describe('STOP: the improver runs in an isolate, its utilities on the host', () => {
  it('the seed improver improves a downstream program when the model returns a better one', async () => {
    const model = await scriptedModel();
    const log: unknown[] = [];
    const meta = await metaUtility(SEED, {
      tasks: [recorded(sortingNetworkTask(), log)],
      llm: llmOf(model),
      budget: { utilityCalls: 4, llmCalls: 2 },
      limits: FAST,
    });
    expect(meta.tasks[0]).toMatchObject({
      task: 'sorting-network',
      status: 'ok',
      initialUtility: -28,
      utility: -19,
      normalised: 1,
      llmCalls: 2,
    });
    expect(meta.value).toBe(1);
    // The host's score of the initial program, the improver's utility(initial) and utility(Batcher)
    // (its second reply repeats Batcher, which it skips), then the host's own score of the result.
    expect(log.map((output) => (output as unknown[]).length)).toEqual([28, 28, 19, 19]);
    expect(server!.requests[0]!.messages[0]!.content).toContain('for (let end = n - 1; end > 0; end--)');
  });

  it('a hostile improver finds nothing to reach and cannot change the score the host gives it', async () => {
    const model = await scriptedModel();
    const log: unknown[] = [];
    const hostile = `export async function improve(program, utility, llm) {
      const found = {};
      for (const name of ['process', 'require', 'fetch', 'module', 'Buffer', 'setTimeout']) found[name] = typeof globalThis[name];
      found.viaFunction = Function('try { return typeof process } catch { return "none" }')();
      try { globalThis.__ouroUtility = async () => 1e9; found.overwrote = true; } catch { found.overwrote = false; }
      found.score = await utility('export function network() { return []; }');
      await llm(JSON.stringify(found));
      Object.prototype.then = (resolve) => resolve(1e9);
      Object.defineProperty(Object.prototype, 'ok', { get: () => true });
      return 'export function network() { return [[0, 1]]; }';
    }`;
    const meta = await metaUtility(hostile, {
      tasks: [recorded(sortingNetworkTask(), log)],
      llm: llmOf(model),
      budget: { utilityCalls: 4, llmCalls: 2 },
      limits: FAST,
    });
    const found = JSON.parse(server!.requests[0]!.messages[0]!.content) as Record<string, unknown>;
    expect(found).toEqual({
      process: 'undefined',
      require: 'undefined',
      fetch: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      setTimeout: 'undefined',
      viaFunction: 'undefined',
      overwrote: false,
      score: -200,
    });
    expect(meta.tasks[0]).toMatchObject({ status: 'ok', utility: -200, normalised: -1, utilityCalls: 1 });
    expect(log.slice(1)).toEqual([[], [[0, 1]]]);
  });
});

describe('STOP: the improver applied to itself', () => {
  it('runs K rounds, records the meta-utility of each, keeps the best improver and writes the report', async () => {
    const model = await scriptedModel([SHARP, SEED]);
    const reportFile = join(mkdtempSync(join(tmpdir(), 'ouro-stop-')), 'run', 'report.json');
    const report = await runStop({ models: model, seedImprover: SEED, rounds: 2, tasks: tasks(), improverLimits: FAST, reportFile });
    expect(report.rounds.map((round) => round.round)).toEqual([0, 1, 2]);
    const [seed, first, second] = report.rounds as [
      StopReport['rounds'][number],
      StopReport['rounds'][number],
      StopReport['rounds'][number],
    ];
    expect(seed.metaUtility).toBeGreaterThan(0);
    expect(seed.tasks.map((task) => task.task)).toEqual(['sorting-network', 'tsp']);
    expect(first).toMatchObject({ status: 'ok', source: SHARP, accepted: true });
    expect(first.metaUtility!).toBeGreaterThan(seed.metaUtility!);
    expect(first.tasks.find((task) => task.task === 'tsp')!.utility).toBeGreaterThan(
      seed.tasks.find((task) => task.task === 'tsp')!.utility,
    );
    expect(second).toMatchObject({ status: 'ok', source: SHARP, accepted: false, metaUtility: first.metaUtility });
    expect(report.best).toEqual({ round: 1, source: SHARP, metaUtility: first.metaUtility });
    expect(report.stopReason).toBe('rounds');
    expect(first.spend.llmCalls).toBeGreaterThan(1);
    expect(report.spend.tokens).toBe(report.spend.llmCalls * 200);
    expect(report.spend.llmCalls).toBe(server!.requests.length);
    const saved = JSON.parse(readFileSync(reportFile, 'utf8')) as StopReport;
    expect(saved.rounds.map((round) => round.metaUtility)).toEqual(report.rounds.map((round) => round.metaUtility));
    expect(saved.best.round).toBe(1);
  });

  it('an improver that loops, throws or returns a non-string scores the floor and the loop goes on', async () => {
    const model = await scriptedModel([LOOPING, THROWING, NUMBER]);
    const report = await runStop({
      models: model,
      seedImprover: SEED,
      rounds: 2,
      tasks: tasks(),
      improverLimits: FAST,
      roundBudget: { utilityCalls: 4, llmCalls: 3 },
    });
    const evaluated = report.rounds[1]!.evaluations;
    expect(evaluated.map((entry) => entry.tasks.map((task) => task.status))).toEqual([
      ['timeout', 'timeout'],
      ['error', 'error'],
      ['invalid-result', 'invalid-result'],
    ]);
    expect(evaluated.map((entry) => entry.metaUtility)).toEqual([-1, -1, -1]);
    expect(evaluated[0]!.tasks[0]!.utility).toBe(sortingNetworkTask().floor);
    expect(report.rounds[1]).toMatchObject({ status: 'ok', source: SEED, accepted: false });
    expect(report.rounds).toHaveLength(3);
    expect(report.best.round).toBe(0);
  });

  it('a self-improvement that throws is recorded and the best improver is kept', async () => {
    const model = await scriptedModel();
    const report = await runStop({ models: model, seedImprover: THROWING, rounds: 1, tasks: [sortingNetworkTask()], improverLimits: FAST });
    expect(report.rounds[0]!.metaUtility).toBe(-1);
    expect(report.rounds[1]).toMatchObject({
      status: 'error',
      source: null,
      metaUtility: null,
      accepted: false,
      message: expect.stringMatching(/broken/),
    });
    expect(report.best).toMatchObject({ round: 0, source: THROWING });
  });

  it('stops cleanly with the reason when the token budget is spent', async () => {
    const model = await scriptedModel([SHARP, SHARP, SHARP], { tokens: 1_500 });
    // Round 0 makes 6 calls of 200 tokens; round 1 gets 2 more before the budget refuses the next.
    const report = await runStop({ models: model, seedImprover: SEED, rounds: 5, tasks: tasks(), improverLimits: FAST });
    expect(report.stopReason).toBe('tokens');
    expect(report.stopMessage).toMatch(/token budget \(1500\) is spent/);
    expect(report.rounds).toHaveLength(2);
    expect(report.rounds[0]!.interrupted).toBeUndefined();
    expect(report.rounds[1]).toMatchObject({ interrupted: expect.stringMatching(/token budget/), accepted: false });
    expect(report.best.round).toBe(0);
    expect(server!.requests).toHaveLength(8);
    // The refused call never reached the model: it is neither counted nor booked.
    expect(report.spend).toMatchObject({ llmCalls: 8, failedLlmCalls: 0, tokens: 1_600 });
  });
});

describe('ouro agents stop', () => {
  const parse = async (args: string[]) => {
    const program = new Command('ouro').exitOverride();
    registerAgentsStop(program.command('agents'));
    await program.parseAsync(['agents', 'stop', ...args], { from: 'user' });
  };

  it('says that STOP needs a model and exits 1 without one', async () => {
    const error = await parse([]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'model-missing', message: expect.stringMatching(/STOP needs a model/) });
    expect(reportError(error, true)).toBe(1);
  });

  it('runs with a model and writes the report', async () => {
    const model = await scriptedModel();
    const out = mkdtempSync(join(tmpdir(), 'ouro-stop-cli-'));
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-stop-db-')), 'ouro.db');
    await parse(['--model', model.ids[0]!, '--rounds', '1', '--out', out, '--db', db, '--json']);
    const [run] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, run!, 'report.json'), 'utf8')) as StopReport;
    expect(report.rounds.map((round) => round.round)).toEqual([0, 1]);
    expect(report.rounds[0]!.tasks.map((task) => task.task)).toEqual(['bin-packing', 'circle-packing', 'tsp', 'sorting-network']);
    expect(report.stopReason).toBe('rounds');
  });
});
