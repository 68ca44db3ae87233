/**
 * The sneaky-critic game on SCRIPTED players (src/testing/sneaky-critic-sim.ts): no model writes
 * these solutions or reviews. Both players are real ModelHandles against the scripted
 * OpenAI-compatible server, their calls are booked in a real SQLite task store, the sneaky
 * solutions are graded by the task's hidden tests in the real bubblewrap sandbox, probes run in a
 * real V8 isolate, and the exports are written by the flywheel's exporter and checked line by line.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../src/core/experiment.ts';
import { checkJsonl, PAIR_FORMATS, SFT_FORMATS } from '../src/flywheel/index.ts';
import { openRunModels } from '../src/llm/index.ts';
import { IsolateSandbox } from '../src/sandbox/isolate.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { compareOn } from '../src/tasks/games/compare.ts';
import { exportGameEpisodes, gameExamples } from '../src/tasks/games/export.ts';
import { episodeExamples, proposerSolverEpisode } from '../src/tasks/games/proposer-solver.ts';
import { parseCriticReply, parseSneakyReply } from '../src/tasks/games/sneaky-critic-format.ts';
import { playSneakyCritic, type SneakyEpisode } from '../src/tasks/games/sneaky-critic.ts';
import { TASKS_TABLES } from '../src/tasks/store-sqlite.ts';
import type { StoredEpisode, TasksStore } from '../src/tasks/store.ts';
import type { GeneratedTask } from '../src/tasks/types.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { type CriticPlan, createSneakyCriticSim, type SneakyPlan } from '../src/testing/sneaky-critic-sim.ts';
import { CODING_POOL } from '../src/testing/task-proposer.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 1000 });
afterAll(() => sandbox.dispose());

const LLM: LlmConfig = { timeoutMs: 10_000, attempts: 1, maxOutputTokens: 1024, prices: {} };
const RUN = 'selfplay-1';

let server: ScriptedLlmServer | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  store?.close();
  store = undefined;
});

/** A coding task of the scripted proposer's pool, by the function it exports. */
function poolTask(name: string): GeneratedTask {
  const body = CODING_POOL.find((item) => item.name === name);
  if (body === undefined) throw new Error(`no pool task exports ${name}`);
  return {
    id: `task-${name.toLowerCase()}`,
    title: body.title,
    category: { generator: 'coding', difficulty: body.difficulty, topic: body.topic },
    statement: body.statement,
    code: { entry: 'solution.js', stub: body.stub, tests: body.tests, reference: body.reference },
    provenance: { generator: 'coding', model: 'scripted', prompt: 'write a task', reply: '(pool)' },
  };
}

/** Both players on one scripted server, their calls booked in a fresh SQLite task store. */
async function players(sneaky: SneakyPlan[], critic: CriticPlan[]) {
  const sim = createSneakyCriticSim({ sneaky, critic });
  server = await startScriptedLlmServer({ respond: sim.respond });
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-games-')), 'games.db'));
  const tasks = store.tables(TASKS_TABLES) as TasksStore;
  tasks.createRun({ id: RUN, kind: 'selfplay', settings: {}, createdAt: 1 });
  const id = `compat:${server.compatBaseURL}#scripted`;
  const models = await openRunModels({
    configs: [{ id }],
    llm: LLM,
    budget: {},
    env: {},
    probe: false,
    record: (exchange) => tasks.recordLlmCall(RUN, exchange),
  });
  const model = models.handles.get(id);
  if (model === undefined) throw new Error('no scripted model handle');
  const play = (name: string, seq: number) => playSneakyCritic({ task: poolTask(name), sneaky: model, critic: model, seq, sandbox });
  return { sim, tasks, play, server, model };
}

describe.skipIf(bubblewrap.missing)(bubblewrap.title('the sneaky-critic game (SCRIPTED players)'), () => {
  it('scores a subtle bug the critic finds, and books both calls under their operators and the episode number', async () => {
    const { play, tasks } = await players(['off-by-one'], ['find']);
    const episode = await play('isPrime', 7);
    expect(episode.sneaky).toMatchObject({ verdict: 'sneaky', tests: { status: 'unresolved', passed: 3, total: 4 }, reward: 0 });
    expect(episode.sneaky.probe).toEqual({ function: 'isPrime', input: [49] });
    expect(episode.sneaky.stated).toMatchObject({ differs: true, reference: { value: false }, candidate: { value: true } });
    expect(episode.critic).toMatchObject({
      won: true,
      reward: 1,
      claim: { verdict: 'wrong', probe: { function: 'isPrime', input: [49] } },
    });
    expect(episode.critic?.check?.differs).toBe(true);
    expect(episode.critic?.detail).toMatch(/^found a failing input: isPrime\(49\)/);
    const calls = tasks.llmCalls(RUN);
    expect(calls.map((call) => [call.operator, call.proposal])).toEqual([
      ['sneaky', '7'],
      ['critic', '7'],
    ]);
    expect(calls[1]?.request.messages[0]?.content).toContain(episode.sneaky.solution?.trim());
    expect(calls[1]?.request.messages[0]?.content).not.toContain(poolTask('isPrime').code?.reference.trim());
    expect(episode.tokens).toBeGreaterThan(0);
  });

  it('gives the generator the point for a bug the critic misses or calls correct', async () => {
    const { play } = await players(['off-by-one', 'missed-edge'], ['miss', 'correct']);
    const missed = await play('isPrime', 0);
    expect(missed.sneaky).toMatchObject({ verdict: 'sneaky', reward: 1 });
    expect(missed.critic).toMatchObject({ won: false, reward: 0, claim: { verdict: 'wrong', probe: { input: [13] } } });
    expect(missed.critic?.detail).toMatch(/^no difference: isPrime\(13\)/);
    // gcd's missed edge passes every hidden test: only its stated input shows it wrong.
    const passesAll = await play('gcd', 1);
    expect(passesAll.sneaky).toMatchObject({ verdict: 'sneaky', tests: { status: 'resolved', passed: 4, total: 4 }, reward: 1 });
    expect(passesAll.sneaky.stated).toMatchObject({ differs: true, reference: { value: 6 }, candidate: { value: -6 } });
    expect(passesAll.critic).toMatchObject({ won: false, reward: 0, claim: { verdict: 'correct' } });
    expect(passesAll.critic?.detail).toMatch(/^said correct of a wrong solution/);
  });

  it('scores an obviously wrong solution as a loss for the generator, whatever the critic does', async () => {
    const { play } = await players(['obvious', 'obvious'], ['miss', 'find']);
    for (const [seq, criticWins] of [
      [0, false],
      [1, true],
    ] as const) {
      const episode = await play('isPrime', seq);
      expect(episode.sneaky).toMatchObject({ verdict: 'obviously-wrong', tests: { passed: 1, total: 4 }, reward: 0 });
      expect(episode.sneaky.detail).toContain('only 1 of 4 hidden tests pass, fewer than half');
      expect(episode.critic).toMatchObject({ won: criticWins, reward: criticWins ? 1 : 0 });
    }
  });

  it('lets the critic win a correct "sneaky" solution by saying correct, and lose it by naming an input', async () => {
    const { play } = await players(['correct', 'correct'], ['find', 'miss']);
    const right = await play('isPrime', 0);
    expect(right.sneaky).toMatchObject({ verdict: 'correct', tests: { status: 'resolved', passed: 4, total: 4 }, reward: 0 });
    expect(right.sneaky.stated?.differs).toBe(false);
    expect(right.critic).toMatchObject({ won: true, reward: 1, claim: { verdict: 'correct' } });
    const wrongCall = await play('isPrime', 1);
    expect(wrongCall.critic).toMatchObject({ won: false, reward: 0 });
    expect(wrongCall.sneaky.reward).toBe(0);
  });

  it('scores unparseable replies as losses for their writers, never as crashes', async () => {
    const { play, server: scripted, tasks } = await players(['missed-edge', 'unparseable'], ['unparseable']);
    const critic = await play('encode', 0);
    expect(critic.sneaky).toMatchObject({ verdict: 'sneaky', tests: { passed: 4, total: 4 }, reward: 1 });
    expect(critic.critic).toMatchObject({ won: false, reward: 0 });
    expect(critic.critic?.claim).toBeUndefined();
    expect(critic.critic?.detail).toBe('unparseable: the reply has no `verdict` block (nor a `function` and `input`)');
    const sneaky = await play('encode', 1);
    expect(sneaky.sneaky).toMatchObject({ verdict: 'unparseable', detail: 'unparseable: the reply has no `solution` block', reward: 0 });
    expect(sneaky.critic).toBeUndefined();
    // No solution, no review: three calls in all.
    expect(scripted.requests).toHaveLength(3);
    expect(tasks.llmCalls(RUN).map((call) => call.operator)).toEqual(['sneaky', 'critic', 'sneaky']);
  });

  it('makes its own isolate when none is given', async () => {
    const { model } = await players(['missed-edge'], ['find']);
    const episode = await playSneakyCritic({ task: poolTask('reverseWords'), sneaky: model, critic: model, seq: 0 });
    expect(episode.sneaky).toMatchObject({ verdict: 'sneaky', tests: { passed: 3, total: 4 } });
    expect(episode.critic).toMatchObject({ won: true, check: { reference: { value: 'b a' }, candidate: { value: 'b  a' } } });
  });

  it('exports stored episodes as SFT examples and preference pairs that every format schema accepts', async () => {
    const { play, tasks } = await players(['off-by-one', 'off-by-one', 'missed-edge'], ['find', 'miss', 'find']);
    const played: SneakyEpisode[] = [await play('isPrime', 0), await play('isPrime', 1), await play('gcd', 2)];
    for (const episode of played) tasks.recordEpisode(RUN, { seq: episode.seq, game: episode.game, data: episode, createdAt: 10 });
    const solver = proposerSolverEpisode({
      taskId: 'task-add',
      category: { generator: 'coding', difficulty: 'easy', topic: 'arithmetic' },
      proposerReward: 0.5,
      model: 'compat:solver',
      prompt: 'Write add(a, b).',
      verifier: 'execution',
      replies: [
        { index: 1, passed: false, text: 'export const add = (a, b) => a - b;' },
        { index: 0, passed: true, text: 'export const add = (a, b) => a + b;' },
      ],
    });
    tasks.recordEpisode(RUN, { seq: 3, game: solver.game, data: solver, createdAt: 10 });
    tasks.recordEpisode(RUN, { seq: 4, game: 'debate', data: {}, createdAt: 10 });
    const stored = tasks.episodes(RUN);
    expect(stored.map((episode) => episode.game)).toEqual(['sneaky-critic', 'sneaky-critic', 'sneaky-critic', 'proposer-solver', 'debate']);

    const examples = gameExamples(stored, { round: 2 });
    // Critic wins: episodes 0 and 2; the solver passed once.
    expect(examples.sft.map((example) => [example.taskId, example.completion === played[0]?.critic?.reply])).toEqual([
      ['task-isprime', true],
      ['task-gcd', false],
      ['task-add', false],
    ]);
    expect(examples.sft[0]).toMatchObject({ prompt: played[0]?.critic?.prompt, round: 2, index: 0, verifier: 'execution' });
    // Episodes 0 and 1 reviewed the same solution, one critic reply winning, one losing; gcd had no loser.
    expect(examples.pairs).toEqual([
      {
        taskId: 'task-add',
        round: 2,
        prompt: 'Write add(a, b).',
        chosen: solver.solver.replies[0]?.text,
        rejected: solver.solver.replies[1]?.text,
        method: 'dpo',
        system: undefined,
      },
      {
        taskId: 'task-isprime',
        round: 2,
        prompt: played[0]?.critic?.prompt,
        chosen: played[0]?.critic?.reply,
        rejected: played[1]?.critic?.reply,
        method: 'dpo',
      },
    ]);
    expect(examples.ignored).toEqual({ debate: 1 });
    expect(examples.models).toEqual(['compat:solver', `compat:${server?.compatBaseURL}#scripted`].sort());

    const folder = mkdtempSync(join(tmpdir(), 'ouro-games-export-'));
    for (const [index, sftFormat] of SFT_FORMATS.entries()) {
      const pairFormat = PAIR_FORMATS[index % PAIR_FORMATS.length]!;
      const written = await exportGameEpisodes(stored, {
        sftPath: join(folder, `${sftFormat}.sft.jsonl`),
        pairsPath: join(folder, `${sftFormat}-${pairFormat}.dpo.jsonl`),
        sftFormat,
        pairFormat,
        heldOut: new Set(['task-held-out']),
        round: 2,
      });
      expect(checkJsonl(readFileSync(written.sft.path, 'utf8'), sftFormat)).toEqual([]);
      expect(checkJsonl(readFileSync(written.pairs.path, 'utf8'), pairFormat)).toEqual([]);
      expect(written.sft.lines).toBe(3);
      expect(written.pairs.lines).toBe(2);
      expect(written.sft.card.filters).toHaveLength(2);
      expect(written.ignored).toEqual({ debate: 1 });
    }
    await expect(
      exportGameEpisodes(stored, {
        sftPath: join(folder, 'h.sft.jsonl'),
        pairsPath: join(folder, 'h.dpo.jsonl'),
        heldOut: new Set(['task-gcd']),
      }),
    ).rejects.toThrow(/held-out task task-gcd/);
  });
});

describe('the half-the-tests line (SCRIPTED players, a stand-in grader)', () => {
  it('calls a wrong solution sneaky at exactly half the tests passed and obviously wrong below it', async () => {
    const graded: Array<{ taskId: string; unsafe?: boolean }> = [];
    const verdicts: string[] = [];
    for (const [passed, total] of [
      [2, 4],
      [1, 3],
    ] as const) {
      const { model } = await players(['missed-edge'], ['miss']);
      const episode = await playSneakyCritic({
        task: poolTask('gcd'),
        sneaky: model,
        critic: model,
        seq: 0,
        sandbox,
        gradeOptions: { unsafe: true },
        grade: async (task, _solution, options) => {
          graded.push({ taskId: task.id, unsafe: options?.unsafe });
          return { taskId: task.id, status: 'unresolved', passed, total, output: '', durationMs: 1 };
        },
      });
      verdicts.push(`${episode.sneaky.verdict}:${episode.sneaky.reward}`);
      await server?.close();
      server = undefined;
      store?.close();
      store = undefined;
    }
    expect(verdicts).toEqual(['sneaky:1', 'obviously-wrong:0']);
    expect(graded).toEqual([
      { taskId: expect.stringMatching(/^greatest-common-divisor-/), unsafe: true },
      { taskId: expect.stringMatching(/^greatest-common-divisor-/), unsafe: true },
    ]);
  });
});

describe('reading replies and episodes', () => {
  it('reads sneaky and critic replies, and says why a reply breaks its format', () => {
    const block = (name: string, body: string) => `\`\`\`${name}\n${body}\n\`\`\``;
    expect(
      parseSneakyReply([block('solution', 'export const f = (n) => n;'), block('function', 'f'), block('input', '[3]')].join('\n')),
    ).toEqual({
      solution: 'export const f = (n) => n;\n',
      probe: { function: 'f', input: [3] },
    });
    expect(parseSneakyReply(block('solution', 'x'))).toEqual({ unparseable: 'the reply has no `function` block' });
    expect(parseSneakyReply([block('solution', 'x'), block('function', 'f'), block('input', '{"a": 1}')].join('\n'))).toEqual({
      unparseable: 'the input block is not a JSON array of arguments: {"a": 1}',
    });
    expect(parseSneakyReply([block('solution', 'x'), block('function', 'f(x) + 1'), block('input', '[]')].join('\n'))).toEqual({
      unparseable: 'the function block holds "f(x) + 1", not a function name',
    });
    expect(parseCriticReply(block('verdict', 'Correct.'))).toEqual({ claim: { verdict: 'correct' } });
    expect(parseCriticReply([block('function', 'g()'), block('input', '[[1, 2]]')].join('\n'))).toEqual({
      claim: { verdict: 'wrong', probe: { function: 'g', input: [[1, 2]] } },
    });
    expect(parseCriticReply(block('verdict', 'maybe'))).toEqual({
      unparseable: 'the verdict block holds "maybe", not `correct` or `wrong`',
    });
    expect(parseCriticReply([block('verdict', 'wrong'), block('function', 'g'), block('input', '[1,')].join('\n'))).toMatchObject({
      unparseable: expect.stringMatching(/^the input block is not JSON \(/),
    });
  });

  it('counts an error in one module alone as a difference, two errors as none, and refuses a name the reference lacks', async () => {
    const reference = 'export function half(n) {\n  if (n % 2 !== 0) throw new Error("odd");\n  return { n, half: n / 2 };\n}\n';
    const reordered = 'export function half(n) {\n  if (n % 2 !== 0) throw new Error("not even");\n  return { half: n / 2, n };\n}\n';
    const lenient = 'export function half(n) {\n  return { n, half: Math.floor(n / 2) };\n}\nexport const extra = () => 1;\n';
    expect((await compareOn(sandbox, 'solution.js', reference, reordered, 'half', [4])).differs).toBe(false);
    expect((await compareOn(sandbox, 'solution.js', reference, reordered, 'half', [3])).differs).toBe(false);
    const odd = await compareOn(sandbox, 'solution.js', reference, lenient, 'half', [3]);
    expect(odd).toMatchObject({
      differs: true,
      reference: { error: expect.stringContaining('odd') },
      candidate: { value: { n: 3, half: 1 } },
    });
    const extra = await compareOn(sandbox, 'solution.js', reference, lenient, 'extra', []);
    expect(extra).toMatchObject({ differs: false, refused: expect.stringContaining('the reference exports no function extra') });
    const looping = 'export function half(n) {\n  while (true) {}\n}\n';
    expect(await compareOn(sandbox, 'solution.js', reference, looping, 'half', [4])).toMatchObject({
      differs: true,
      candidate: { error: expect.any(String) },
    });
  });

  it('refuses a stored episode whose data lacks a field, naming the episode and the field', () => {
    const broken: StoredEpisode = {
      seq: 5,
      game: 'sneaky-critic',
      data: { taskId: 't', sneaky: {}, critic: { prompt: 'p', reply: 'r', model: 'm' } },
      createdAt: 1,
    };
    expect(() => gameExamples([broken])).toThrow('sneaky-critic episode 5: field "critic.won"');
    const solver = proposerSolverEpisode({
      taskId: 't',
      category: 'coding/easy/x',
      proposerReward: 0,
      model: 'm',
      prompt: 'p',
      replies: [],
    });
    expect(episodeExamples(solver)).toEqual({ sft: [], pairs: [] });
    expect(() =>
      gameExamples([{ seq: 6, game: 'proposer-solver', data: { ...solver, solver: { ...solver.solver, replies: 'none' } }, createdAt: 1 }]),
    ).toThrow('proposer-solver episode 6: field "solver.replies"');
  });
});
