/**
 * Task generators on a SCRIPTED proposer (src/testing/task-proposer.ts): no model writes these
 * tasks. Replies are parsed for every kind, triple outputs are computed in a real V8 isolate, the
 * generator calls a real ModelHandle against the scripted OpenAI-compatible server, and SwS reads
 * failures from real SQLite stores. The pool's tasks are graded in the real bubblewrap sandbox.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gradeTasks } from '../src/agents/coding-bench/grade.ts';
import type { CodingTask } from '../src/agents/coding-bench/tasks.ts';
import { DGM_TABLES } from '../src/agents/dgm/store-sqlite.ts';
import type { NewAgentRecord } from '../src/agents/dgm/store.ts';
import type { LlmConfig } from '../src/core/experiment.ts';
import type { LlmExchange } from '../src/core/model.ts';
import { openFlywheel } from '../src/flywheel/index.ts';
import { openRunModels } from '../src/llm/index.ts';
import { IsolateSandbox } from '../src/sandbox/isolate.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import {
  failuresFromDgm,
  failuresFromFlywheel,
  generateTask,
  ladderVariants,
  parseProposal,
  proposerPrompt,
  readBlocks,
  taskId,
  type Generated,
  type ParseContext,
  type ParseOutcome,
  type TaskForm,
} from '../src/tasks/generate/index.ts';
import type { Category, GeneratedTask, GeneratorKind, TripleMode } from '../src/tasks/types.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import {
  CODING_FLAWS,
  CODING_POOL,
  createTaskProposer,
  MATH_POOL,
  proposalReply,
  scriptedProposerReplies,
  TRIPLE_POOL,
  withFlaw,
  type CodingProposal,
} from '../src/testing/task-proposer.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const sandbox = IsolateSandbox.create({ memoryMb: 64, timeoutMs: 1000 });
afterAll(() => sandbox.dispose());

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const category = (generator: GeneratorKind, topic = 'strings'): Category => ({ generator, difficulty: 'easy', topic });
const context = (
  form: TaskForm,
  mode?: TripleMode,
  kind: GeneratorKind = form === 'math' ? 'math' : form === 'triple' ? 'triple' : 'coding',
) => ({ kind, category: category(kind), form, mode, model: 'scripted', prompt: 'the prompt', sandbox }) satisfies ParseContext;

function taskOf(outcome: ParseOutcome): GeneratedTask {
  if ('rejection' in outcome) throw new Error(`rejected: ${outcome.rejection.detail}`);
  return outcome.task;
}
function detailOf(outcome: ParseOutcome): string {
  if (!('rejection' in outcome)) throw new Error(`kept ${outcome.task.title}`);
  expect(outcome.rejection.reason).toBe('unparseable');
  return outcome.rejection.detail;
}

/** A generated code body as the benchmark's task, for grading. */
function asCodingTask(task: GeneratedTask, index: number): CodingTask {
  const code = task.code!;
  return {
    id: `t${index}`,
    title: task.title,
    difficulty: 'easy',
    sets: [],
    entry: code.entry,
    timeoutMs: 5_000,
    statement: task.statement,
    stub: { [code.entry]: code.stub },
    tests: code.tests,
    reference: { [code.entry]: code.reference },
    origin: `generated/${task.id}`,
  };
}

describe('parsing proposer replies (SCRIPTED proposer)', () => {
  it('reads every coding, math and triple reply of the pools into a task of the right shape', async () => {
    const coding = await Promise.all(scriptedProposerReplies(CODING_POOL).map((reply) => parseProposal(reply, context('coding'))));
    expect(coding.map((outcome) => taskOf(outcome).title)).toEqual(CODING_POOL.map((body) => body.title));
    const first = taskOf(coding[0]!);
    expect(first.code).toEqual({
      entry: 'solution.js',
      stub: `${CODING_POOL[0]!.stub}\n`,
      tests: `${CODING_POOL[0]!.tests}\n`,
      reference: `${CODING_POOL[0]!.reference}\n`,
    });
    expect(first.statement).toBe(CODING_POOL[0]!.statement);
    expect(first.provenance).toMatchObject({ generator: 'coding', model: 'scripted', prompt: 'the prompt' });
    expect(first.id).toMatch(/^g[0-9a-f]{12}$/);
    expect(new Set(coding.map((outcome) => taskOf(outcome).id)).size).toBe(CODING_POOL.length);

    const math = await Promise.all(scriptedProposerReplies(MATH_POOL).map((reply) => parseProposal(reply, context('math'))));
    expect(math.map((outcome) => taskOf(outcome).answer?.value)).toEqual(MATH_POOL.map((body) => body.answer));

    for (const mode of ['deduction', 'abduction', 'induction'] as const) {
      const triples = await Promise.all(
        scriptedProposerReplies(TRIPLE_POOL, mode).map((reply) => parseProposal(reply, context('triple', mode))),
      );
      for (const outcome of triples) {
        const task = taskOf(outcome);
        expect(task.triple?.mode).toBe(mode);
        expect(task.code === undefined).toBe(mode === 'deduction');
      }
    }
  });

  it('computes a triple output in the isolate, ignores and notes a wrong stated one, and builds each mode', async () => {
    const evens = TRIPLE_POOL[0]!;
    const deduction = await parseProposal(proposalReply({ ...evens, statedOutput: '99' }), context('triple', 'deduction'));
    const task = taskOf(deduction);
    expect(task.triple).toMatchObject({ mode: 'deduction', input: '[[1,2,3,4]]', output: '20' });
    expect(task.statement).toContain('[[1,2,3,4]]');
    expect(task.statement).not.toContain('20');
    expect('notes' in deduction && deduction.notes).toEqual([
      expect.stringContaining('the stated output 99 is ignored: running f gave 20'),
    ]);
    const right = await parseProposal(proposalReply({ ...evens, statedOutput: '20' }), context('triple', 'deduction'));
    expect('notes' in right && right.notes).toEqual([]);

    const counts = taskOf(await parseProposal(proposalReply(TRIPLE_POOL[5]!), context('triple', 'abduction')));
    expect(counts.triple?.output).toBe('{"e":1,"h":1,"l":2,"o":1}');
    expect(counts.statement).toContain('{"e":1,"h":1,"l":2,"o":1}');
    expect(counts.code?.reference).toBe('export const args = ["hello"];\n');

    const induction = taskOf(await parseProposal(proposalReply(TRIPLE_POOL[2]!, 'induction'), context('triple', 'induction')));
    // Collatz: 6 takes 8 steps, 7 takes 16, 1 none, 27 takes 111; the last pair is held back from the statement.
    expect(induction.code?.tests).toContain('f(...[27])), 111)');
    expect(induction.statement).toContain('`f(...[7])` returns `16`');
    expect(induction.statement).not.toContain('111');
  });

  it('rejects a reply that does not parse with a detail naming the block, and never throws', async () => {
    const good = CODING_POOL[3]!;
    const without = (name: string) => proposalReply(good).replace(new RegExp(`\`\`\`${name}\\n[\\s\\S]*?\\n\`\`\`\\n?`), '');
    const cases: Array<[string, ParseContext, RegExp]> = [
      ['', context('coding'), /empty/],
      ['I would rather not.', context('coding'), /lacks the block\(s\) meta, statement, stub, tests, reference \(found: no fenced block\)/],
      [without('tests'), context('coding'), /lacks the block\(s\) tests/],
      [proposalReply(good).replace('"title"', 'title'), context('coding'), /meta block is not JSON/],
      [proposalReply({ ...good, tests: "test('x', () => {});" }), context('coding'), /does not import '\.\/solution\.js'/],
      [proposalReply({ ...MATH_POOL[0]!, answer: 'about three' }), context('math'), /answer block is not a number/],
      [proposalReply({ ...MATH_POOL[0]!, program: 'export const x = 1;' }), context('math'), /does not export a function answer/],
      [
        proposalReply({ ...TRIPLE_POOL[0]!, program: 'export function f() { throw new Error("boom"); }' }),
        context('triple'),
        /did not run.*boom/,
      ],
      [proposalReply({ ...TRIPLE_POOL[0]!, program: 'export function f() { for (;;) {} }' }), context('triple'), /did not run.*time limit/],
      [
        proposalReply({ ...TRIPLE_POOL[0]!, program: 'export function g() { return 1; }' }),
        context('triple'),
        /does not export a function f/,
      ],
      [proposalReply(TRIPLE_POOL[0]!).replace('[[1,2,3,4]]', '[1, 2'), context('triple'), /input block is not JSON/],
      [proposalReply(TRIPLE_POOL[0]!), context('triple', 'induction'), /at least 3 argument lists/],
    ];
    for (const [reply, given, pattern] of cases) expect(detailOf(await parseProposal(reply, given))).toMatch(pattern);
    // Not even a string: still a rejection, not a throw.
    expect(detailOf(await parseProposal(undefined as unknown as string, context('coding')))).toMatch(/empty/);
  });

  it('reads fences of four backticks around content that holds three, and an unclosed last block', () => {
    const blocks = readBlocks('chatter\n````statement\nUse:\n```js\nf(1)\n```\n````\n```tests\ntest(1)');
    expect(blocks.get('statement')).toBe('Use:\n```js\nf(1)\n```');
    expect(blocks.get('tests')).toBe('test(1)');
  });

  it('gives one id to the same content however it is spaced, and another to other content', async () => {
    const body = CODING_POOL[1]!;
    const plain = taskOf(await parseProposal(proposalReply(body), context('coding')));
    const spaced = taskOf(
      await parseProposal(proposalReply({ ...body, tests: body.tests.replace(/ /g, '   ').replace(/\n/g, '\n\n') }), context('coding')),
    );
    expect(spaced.id).toBe(plain.id);
    expect(taskId(plain)).toBe(plain.id);
    const other = taskOf(await parseProposal(proposalReply(withFlaw(body, 'date-now')), context('coding')));
    expect(other.id).not.toBe(plain.id);
    // Provenance and title are not content: another model writing the same task gives the same id.
    expect(taskId({ ...plain, provenance: { ...plain.provenance, model: 'other' } } as GeneratedTask)).toBe(plain.id);
  });
});

const LLM: LlmConfig = { timeoutMs: 5_000, attempts: 1, maxOutputTokens: 2_000, prices: {} };

async function proposerModel(options: Parameters<typeof createTaskProposer>[0]) {
  const proposer = createTaskProposer(options);
  server = await startScriptedLlmServer({ respond: proposer.respond });
  const id = `compat:${server.compatBaseURL}#proposer`;
  const exchanges: LlmExchange[] = [];
  const models = await openRunModels({
    configs: [{ id }],
    llm: LLM,
    budget: {},
    env: {},
    probe: false,
    record: (exchange) => exchanges.push(exchange),
  });
  return { proposer, model: models.handles.get(id)!, id, exchanges };
}

describe('the generator against the scripted LLM server (SCRIPTED proposer)', () => {
  it('asks once per proposal under propose-task and parses what comes back, rejections included', async () => {
    const { proposer, model, id, exchanges } = await proposerModel({ seed: 7, flawShare: 0.3, unparseableShare: 0.2 });
    const kinds: GeneratorKind[] = ['coding', 'math', 'triple'];
    const results: Generated[] = [];
    for (let seq = 0; seq < 24; seq++) {
      const kind = kinds[seq % 3]!;
      results.push(
        await generateTask({ kind, category: category(kind, kind === 'triple' ? 'induction' : 'strings'), model, sandbox, seq }),
      );
    }
    expect(server!.requests).toHaveLength(24);
    expect(exchanges.map((exchange) => [exchange.operator, exchange.proposal])).toEqual(
      results.map((_, seq) => ['propose-task', String(seq)]),
    );
    expect(server!.requests.every((request) => request.temperature === 0.9)).toBe(true);
    expect(results[0]!.prompt).toMatch(/^Kind: coding\nFormat: coding\n/);
    expect(results[2]!.prompt).toMatch(/^Kind: triple\nFormat: triple\nMode: induction\n/);
    const seen = new Map<string, string>();
    proposer.served.forEach((served, index) => {
      const result = results[index]!;
      expect(result.reply).toBe(served.reply);
      expect(result.tokens).toBeGreaterThan(0);
      if (served.quality === 'unparseable') {
        expect('rejection' in result.outcome).toBe(true);
        return;
      }
      const task = taskOf(result.outcome);
      expect(task.provenance).toMatchObject({ generator: served.kind, model: id, reply: served.reply, prompt: result.prompt });
      if (served.quality === 'duplicate') expect(seen.get(served.reply)).toBe(task.id);
      seen.set(served.reply, task.id);
    });
    // Seed 7 serves each of these at least once, so every branch above ran.
    const qualities = new Set(proposer.served.map((served) => served.quality));
    expect([...qualities]).toEqual(expect.arrayContaining(['good', 'unparseable', 'duplicate', 'wrong-answer', 'random-program']));
  });

  it('climbs down a LADDER of easier variants to the depth asked, each naming its parent', async () => {
    const { model } = await proposerModel({ seed: 3, flawShare: 0, unparseableShare: 0 });
    const failed = taskOf(await parseProposal(proposalReply(MATH_POOL[5]!), context('math')));
    let seq = 0;
    const write = (parent: GeneratedTask, depth: number) =>
      generateTask({ kind: 'ladder', category: category('ladder', 'counting'), model, parent, depth, seq: seq++ }).then(
        (generated) => generated.outcome,
      );
    const { variants, rejections } = await ladderVariants(failed, 3, write);
    expect(rejections).toEqual([]);
    expect(variants.map((variant) => variant.provenance.depth)).toEqual([1, 2, 3]);
    expect(variants.map((variant) => variant.provenance.parent)).toEqual([failed.id, variants[0]!.id, variants[1]!.id]);
    expect(variants.every((variant) => variant.answer !== undefined && variant.provenance.generator === 'ladder')).toBe(true);
    expect(server!.requests[0]!.messages[0]!.content).toContain(failed.statement);
    expect(server!.requests[0]!.messages[0]!.content).toMatch(/^Kind: ladder\nFormat: math\n/);

    const wide = await ladderVariants(failed, 2, write, 2);
    expect(wide.variants.map((variant) => variant.provenance.depth)).toEqual([1, 1, 2, 2, 2, 2]);
    const firstLevel = new Set(wide.variants.slice(0, 2).map((variant) => variant.id));
    expect(wide.variants.slice(2).every((variant) => firstLevel.has(variant.provenance.parent!))).toBe(true);
  });

  it('ends a LADDER branch at a variant that does not parse', async () => {
    const failed = taskOf(await parseProposal(proposalReply(CODING_POOL[0]!), context('coding')));
    let calls = 0;
    const replies = [proposalReply(CODING_POOL[1]!), 'no blocks here'];
    const write = (parent: GeneratedTask, depth: number) =>
      parseProposal(replies[calls++] ?? '', { ...context('coding', undefined, 'ladder'), parent: parent.id, depth });
    const { variants, rejections } = await ladderVariants(failed, 4, write);
    expect(variants).toHaveLength(1);
    expect(rejections).toEqual([{ parent: variants[0]!.id, depth: 2, detail: expect.stringContaining('lacks the block') }]);
    expect(calls).toBe(2);
  });

  it('aims an SwS prompt at the failures it is given, quoting each', () => {
    const failures = [{ taskId: 't1', statement: 'What is 7 * 8?', reply: 'It is 54.', detail: 'expected 56, got 54' }];
    const prompt = proposerPrompt({ kind: 'sws', category: category('sws', 'arithmetic'), form: 'math', failures });
    expect(prompt).toMatch(/^Kind: sws\nFormat: math\n/);
    for (const text of ['What is 7 * 8?', 'It is 54.', 'expected 56, got 54', '- program:']) expect(prompt).toContain(text);
  });
});

describe('SwS failures from stored runs (real SQLite)', () => {
  it('reads the failed samples of a flywheel run with the prompt each was asked, skipping hinted retries', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-tasks-sws-')), 'f.db');
    const { store, flywheel } = openFlywheel(db);
    try {
      flywheel.createRun({ id: 'f1', settings: { k: 2 }, createdAt: 1 });
      const base = { round: 0, model: 'm', temperature: 0.8, tokens: 5, costUsd: 0, split: 'train' as const };
      flywheel.recordSample('f1', { ...base, taskId: 'a', index: 0, kind: 'sample', text: 'It is 54.', answer: '54' });
      flywheel.recordSample('f1', { ...base, taskId: 'a', index: 1, kind: 'sample', text: 'It is 56.', answer: '56' });
      flywheel.recordSample('f1', { ...base, taskId: 'b', index: 0, kind: 'sample', text: 'Maybe 3.', answer: '3' });
      flywheel.recordSample('f1', { ...base, taskId: 'a', index: 0, kind: 'rationalised', text: 'Hinted 56.', answer: '56' });
      flywheel.recordVerdicts('f1', [
        { taskId: 'a', round: 0, index: 0, verifier: 'answer-numeric', passed: false, detail: 'expected 56, got 54' },
        { taskId: 'a', round: 0, index: 1, verifier: 'answer-numeric', passed: true },
        { taskId: 'b', round: 0, index: 0, verifier: 'answer-numeric', passed: false },
      ]);
      const call = (operator: string, proposal: string, content: string): LlmExchange => ({
        model: 'm',
        operator,
        proposal,
        request: { messages: [{ role: 'user', content }] },
        reply: 'r',
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0,
        latencyMs: 1,
        attempts: 1,
        startedAt: 1,
      });
      flywheel.recordLlmCall('f1', call('rationalise', '0:a:0', 'What is 7 * 8? (hint: 56)'));
      flywheel.recordLlmCall('f1', call('sample', '0:a:0', 'What is 7 * 8?'));
      flywheel.recordLlmCall('f1', call('sample', '0:b:0', 'What is 1 + 1?'));
      expect(failuresFromFlywheel(flywheel, 'f1')).toEqual([
        { taskId: 'a', statement: 'What is 7 * 8?', reply: 'It is 54.', detail: 'expected 56, got 54' },
        { taskId: 'b', statement: 'What is 1 + 1?', reply: 'Maybe 3.', detail: 'the answer-numeric verifier failed it' },
      ]);
      expect(failuresFromFlywheel(flywheel, 'f1', { limit: 1 })).toHaveLength(1);
      expect(failuresFromFlywheel(flywheel, 'f1', { statementOf: (id) => (id === 'b' ? 'Given: 1 + 1' : undefined) })[1]?.statement).toBe(
        'Given: 1 + 1',
      );
      expect(failuresFromFlywheel(flywheel, 'nothing')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("reads a DGM run's unresolved benchmark tasks with the tests' output", () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-tasks-dgm-')), 'd.db'));
    try {
      const agents = store.tables(DGM_TABLES)!;
      const settings = { bench: 'benchmarks/coding', seed: 1, lambda: 10, thresholds: { medium: 0.4, full: 'beats-runner-up' as const } };
      agents.createDgmRun({
        id: 'd1',
        initialAgent: { 'agent.mjs': 'x' },
        settings: { ...settings, taskTimeoutMs: 1, selfModifyTimeoutMs: 1, repeats: 1, model: 'm', budget: {} },
        createdAt: 1,
      });
      const zero = { tokens: 0, costUsd: 0, wallMs: 0 };
      const result = (taskId: string, status: 'resolved' | 'unresolved', output: string) => ({
        taskId,
        set: 'small',
        status,
        attempts: [status],
        runStatus: ['done' as const],
        changed: [true],
        output,
        log: `log of ${taskId}`,
      });
      const agent: NewAgentRecord = {
        id: 'd1-0',
        runId: 'd1',
        seq: 0,
        parentId: null,
        kept: true,
        diff: '',
        hash: 'h',
        score: 0.5,
        scores: { small: 0.5 },
        results: [result('caesar-shift', 'unresolved', 'FAIL wraps around'), result('clamp-range', 'resolved', 'ok')],
        metrics: { diagnosis: zero, selfModification: zero, evaluation: zero, tokens: 0, costUsd: 0, wallMs: 0, violations: 0 },
        violations: [],
        flags: [],
        rngState: [1, 2, 3, 4],
        createdAt: 1,
      };
      agents.recordAgent(agent);
      const failures = failuresFromDgm(agents, 'd1', [{ id: 'caesar-shift', statement: 'Shift letters.' }]);
      expect(failures).toEqual([
        { taskId: 'caesar-shift', statement: 'Shift letters.', reply: 'log of caesar-shift', detail: 'unresolved: FAIL wraps around' },
      ]);
      // Without tasks given, the statements come from the benchmark folder the run names.
      expect(failuresFromDgm(agents, 'd1')[0]?.statement).toMatch(/^# Caesar shift/);
    } finally {
      store.close();
    }
  });
});

describe('the scripted pools are real tasks', () => {
  it('every math program computes its stated answer in the isolate', async () => {
    for (const body of MATH_POOL) {
      const module = await sandbox.load({ 'answer.js': body.program }, 'answer.js');
      expect(await module.call('answer')).toBe(Number(body.answer));
    }
  });

  it.skipIf(bubblewrap.missing)(
    bubblewrap.title('in the bubblewrap sandbox, references pass, stubs and planted flaws behave as planted'),
    async () => {
      const parsed = async (body: CodingProposal) => taskOf(await parseProposal(proposalReply(body), context('coding')));
      const coding = await Promise.all(CODING_POOL.map(parsed));
      const triples: GeneratedTask[] = [];
      for (const mode of ['abduction', 'induction'] as const) {
        for (const body of TRIPLE_POOL) triples.push(taskOf(await parseProposal(proposalReply(body, mode), context('triple', mode))));
      }
      const tasks = [...coding, ...triples].map(asCodingTask);
      const references = await gradeTasks(tasks, (task) => task.reference, { concurrency: 2 });
      expect(references.filter((result) => result.status !== 'resolved').map((result) => `${result.taskId}: ${result.output}`)).toEqual([]);
      const stubs = await gradeTasks(tasks, (task) => task.stub, { concurrency: 2 });
      expect(stubs.filter((result) => result.status === 'resolved').map((result) => result.taskId)).toEqual([]);

      const body = CODING_POOL[6]!;
      const flawed = await Promise.all(CODING_FLAWS.map((flaw) => parsed(withFlaw(body, flaw) as CodingProposal)));
      const byFlaw = new Map(CODING_FLAWS.map((flaw, index) => [flaw, asCodingTask(flawed[index]!, index)]));
      const [reference, stub, trivial] = await gradeTasks(
        [byFlaw.get('failing-reference')!, byFlaw.get('passing-stub')!, byFlaw.get('always-pass-tests')!],
        (task, index) => (index === 1 ? task.stub : index === 2 ? { 'solution.js': 'export const gcd = (a) => a;' } : task.reference),
      );
      expect([reference?.status, stub?.status, trivial?.status]).toEqual(['unresolved', 'resolved', 'resolved']);
    },
    120_000,
  );
});
